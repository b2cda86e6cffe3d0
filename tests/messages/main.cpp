#define BOOST_TEST_MODULE messages_tests
#include <boost/test/unit_test.hpp>
