#include "strata/actors/exceptions.hpp"

#include <new>
#include <string>

#include <caf/all.hpp>

#include "strata/messages/error.hpp"

namespace strata::actors {

caf::error exception_error(caf::scheduled_actor* self, std::exception_ptr& eptr) {
  std::string what;
  try {
    std::rethrow_exception(eptr);
  } catch (const std::bad_alloc&) {
    what = "out of memory";
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an unknown exception";
  }
  return make_error(errc::Internal, std::string(self->name()) + " failed (" + what +
                                        "); it restarts, retry the call");
}

}  // namespace strata::actors
