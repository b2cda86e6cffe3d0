#define BOOST_TEST_MODULE runtime_tests
#include <boost/test/unit_test.hpp>
