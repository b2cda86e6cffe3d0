#include "strata/actors/exceptions.hpp"

#include <new>
#include <string>

#include <caf/all.hpp>

#include "strata/messages/error.hpp"

namespace strata::actors {

namespace {

std::string describe(std::exception_ptr eptr) {
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
  return what;
}

}  // namespace

caf::error exception_error(caf::scheduled_actor* self, std::exception_ptr& eptr) {
  return make_error(errc::Internal, std::string(self->name()) + " failed (" + describe(eptr) +
                                        "); it restarts, retry the call");
}

caf::error caught_error(const char* where, std::exception_ptr eptr) {
  return make_error(errc::Internal, std::string(where) + " failed (" + describe(eptr) +
                                        "); nothing was changed, retry the call");
}

}  // namespace strata::actors
