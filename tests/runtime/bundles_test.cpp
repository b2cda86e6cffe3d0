// Branch bundles (SPEC 3.2 export / import / validate): the imported branch
// equals the exported one key by key, history included; damaged bundles are
// refused and import nothing; importing over an existing branch is refused.

#include <fstream>

#include "test_util.hpp"

using strata::DistanceMetric;
using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
using Names = std::vector<std::string>;

namespace {

void fill(Strata& db) {
  for (const char* space : {"default", "memory"}) {
    BOOST_REQUIRE(db.set_space(space));
    BOOST_REQUIRE(db.kv_put("k", 1));
    BOOST_REQUIRE(db.kv_put("k", 2));
    BOOST_REQUIRE(db.event_append("e", strata::Object{{"space", space}}));
    BOOST_REQUIRE(db.state_set("c", "s"));
    BOOST_REQUIRE(db.json_set("d", "$.a", 1));
    BOOST_REQUIRE(db.vector_create_collection("v", 2, DistanceMetric::Cosine));
    BOOST_REQUIRE(db.vector_upsert("v", "x", {1, 0}));
  }
  BOOST_REQUIRE(db.set_space("default"));
}

void check_copy(Strata& db) {
  for (const char* space : {"default", "memory"}) {
    BOOST_REQUIRE(db.set_space(space));
    auto h = STRATA_REQUIRE_OK(db.kv_getv("k"));
    BOOST_REQUIRE(h && h->size() == 2u);
    BOOST_TEST((*h)[0].value == Value{2});
    BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 1u);
    BOOST_TEST(STRATA_REQUIRE_OK(db.event_verify_chain()).valid);
    BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("c")) == std::optional<Value>("s"));
    BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("d", "$.a")) == std::optional<Value>(1));
    BOOST_TEST(STRATA_REQUIRE_OK(db.vector_search("v", {1, 0}, 1)).size() == 1u);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bundles)

BOOST_AUTO_TEST_CASE(export_then_import_into_another_database_reproduces_the_branch) {
  TempDir dir;
  auto bundle = dir.path() + "/agent.branchbundle";
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.path() + "/a"));
    STRATA_REQUIRE_DONE(db.create_branch("agent-7"));
    STRATA_REQUIRE_DONE(db.set_branch("agent-7"));
    fill(db);
    auto info = STRATA_REQUIRE_OK(db.branch_export("agent-7", bundle));
    BOOST_TEST(info.branch == "agent-7");
    BOOST_TEST(info.spaces == 2u);
    BOOST_TEST(info.entry_count > 10u);
    BOOST_TEST(info.bundle_size > 0u);
    auto check = STRATA_REQUIRE_OK(db.branch_validate_bundle(bundle));
    BOOST_TEST(check.checksums_valid);
    BOOST_TEST(check.entry_count == info.entry_count);
    STRATA_REQUIRE_ERR(db.branch_import(bundle), errc::BranchExists);
    STRATA_REQUIRE_ERR(db.branch_export("missing", bundle + ".2"), errc::BranchNotFound);
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.path() + "/b"));
  auto info = STRATA_REQUIRE_OK(db.branch_import(bundle));
  BOOST_TEST(info.branch == "agent-7");
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_branches()) == (Names{"agent-7", "default"}),
             boost::test_tools::per_element());
  STRATA_REQUIRE_DONE(db.set_branch("agent-7"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) == (Names{"default", "memory"}),
             boost::test_tools::per_element());
  check_copy(db);
}

// A bundle of "default" becomes a named branch of another database (or a
// second copy in the same one): under the new name it has no fork parent
// and no merge points, and the result says how many records it wrote.
BOOST_AUTO_TEST_CASE(import_under_another_name) {
  TempDir dir;
  auto bundle = dir.path() + "/default.branchbundle";
  uint64_t exported = 0;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.path() + "/a"));
    fill(db);
    exported = STRATA_REQUIRE_OK(db.branch_export("default", bundle)).entry_count;
    // Into the same database, beside the original.
    auto copy = STRATA_REQUIRE_OK(db.branch_import(bundle, "copy"));
    BOOST_TEST(copy.branch == "copy");
    BOOST_TEST(copy.entry_count == exported);
    STRATA_REQUIRE_ERR(db.branch_import(bundle, "copy"), errc::BranchExists);
    STRATA_REQUIRE_ERR(db.branch_import(bundle), errc::BranchExists);  // "default"
    STRATA_REQUIRE_ERR(db.branch_import(bundle, "   "), errc::InvalidInput);
    STRATA_REQUIRE_ERR(db.branch_import(bundle, std::string(300, 'x')), errc::InvalidInput);
    BOOST_TEST(STRATA_REQUIRE_OK(db.list_branches()) == (Names{"copy", "default"}),
               boost::test_tools::per_element());
    STRATA_REQUIRE_DONE(db.set_branch("copy"));
    check_copy(db);
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.path() + "/b"));
  auto info = STRATA_REQUIRE_OK(db.branch_import(bundle, "from-a"));
  BOOST_TEST(info.branch == "from-a");
  BOOST_TEST(info.entry_count == exported);
  auto meta = STRATA_REQUIRE_OK(db.branch_info("from-a"));
  BOOST_REQUIRE(meta.has_value());
  BOOST_TEST(meta->parent.empty());
  BOOST_TEST(meta->merged_from.empty());
  STRATA_REQUIRE_DONE(db.set_branch("from-a"));
  check_copy(db);
  // Its own line of history: merging it into this database's default is
  // a merge without a base, every difference a conflict or an addition.
  auto merged = STRATA_REQUIRE_OK(db.merge_branches("from-a", "default"));
  BOOST_TEST(merged.merge_base == 0u);
  STRATA_REQUIRE_DONE(db.set_branch("default"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>(2));
}

BOOST_AUTO_TEST_CASE(a_damaged_or_truncated_bundle_is_refused_and_imports_nothing) {
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_DONE(db.create_branch("src"));
  STRATA_REQUIRE_DONE(db.set_branch("src"));
  fill(db);
  auto bundle = dir.path() + "/b.bundle";
  STRATA_REQUIRE_OK(db.branch_export("src", bundle));
  STRATA_REQUIRE_DONE(db.set_branch("default"));
  STRATA_REQUIRE_DONE(db.delete_branch("src"));
  std::string bytes;
  {
    std::ifstream in(bundle, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir.path() + "/" + name, std::ios::binary) << content;
    return dir.path() + "/" + name;
  };
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  std::string bad_version = bytes;
  bad_version[16] = 9;
  for (const auto& path : {write("truncated", bytes.substr(0, bytes.size() - 7)),
                           write("flipped", flipped), write("empty", ""),
                           write("header-only", bytes.substr(0, 60)),
                           write("version", bad_version), write("garbage", std::string(500, 'x'))}) {
    BOOST_TEST_CONTEXT(path) {
      STRATA_REQUIRE_ERR(db.branch_validate_bundle(path), errc::InvalidInput);
      STRATA_REQUIRE_ERR(db.branch_import(path), errc::InvalidInput);
      BOOST_TEST(!STRATA_REQUIRE_OK(db.branch_exists("src")));
    }
  }
  STRATA_REQUIRE_ERR(db.branch_import(dir.path() + "/does-not-exist"), errc::Io);
  // The intact bundle still imports.
  STRATA_REQUIRE_OK(db.branch_import(bundle));
  STRATA_REQUIRE_DONE(db.set_branch("src"));
  check_copy(db);
}

// A path that is no bundle file at all used to throw through the database's
// root actor, which died: every later command of the process failed.
BOOST_AUTO_TEST_CASE(a_directory_or_a_device_is_refused_and_the_database_keeps_working) {
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_OK(db.kv_put("k", 1));
  for (std::string path : {dir.path(), std::string("/dev/zero"), std::string("/proc/self/mem")}) {
    BOOST_TEST_CONTEXT(path) {
      STRATA_REQUIRE_ERR(db.branch_validate_bundle(path), errc::InvalidInput);
      STRATA_REQUIRE_ERR(db.branch_import(path), errc::InvalidInput);
    }
  }
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>(1));
  STRATA_REQUIRE_DONE(db.create_branch("still-works"));
}

// A header claiming far more content than the frame holds is refused
// without first allocating what it claims.
BOOST_AUTO_TEST_CASE(a_bundle_claiming_a_huge_size_is_refused) {
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_DONE(db.create_branch("src"));
  auto bundle = dir.path() + "/b.bundle";
  STRATA_REQUIRE_OK(db.branch_export("src", bundle));
  std::string bytes;
  {
    std::ifstream in(bundle, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // The declared content size: 8 little-endian bytes at offset 20. Pad the
  // frame with garbage so that the size check against the file passes.
  std::string crafted = bytes + std::string(64 << 10, '\0');
  uint64_t huge = uint64_t{1} << 31;
  for (int i = 0; i < 8; ++i)
    crafted[20 + i] = static_cast<char>((huge >> (8 * i)) & 0xff);
  auto path = dir.path() + "/huge.bundle";
  std::ofstream(path, std::ios::binary) << crafted;
  STRATA_REQUIRE_ERR(db.branch_validate_bundle(path), errc::InvalidInput);
}

BOOST_AUTO_TEST_SUITE_END()
