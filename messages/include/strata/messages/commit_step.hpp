#pragma once

// The steps of a two-phase commit at which a crash test can stop the
// process (testing::FaultInjector::crash_at): one spelling for the
// coordinator, the participants and the tests that kill them.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace strata {

enum class CommitStep : uint8_t {
  CoordinatorBeforePrepare,       ///< a commit arrived; nothing logged yet
  ParticipantBeforePrepare,       ///< a participant received its prepare
  ParticipantAfterRecord,         ///< PREPARED written, not yet synced
  CoordinatorAfterFirstVote,      ///< one vote counted
  CoordinatorAfterDecision,       ///< every vote yes: committed, nobody told
  CoordinatorAfterFirstApply,     ///< one participant applied
  CoordinatorAfterForgetWritten,  ///< the log's forgets written, not synced
  CoordinatorAfterForgetSynced,   ///< ... synced, markers not yet dropped
};

inline constexpr std::array<std::string_view, 8> commit_step_names{
    "coordinator-before-prepare",      "participant-before-prepare",
    "participant-after-record",        "coordinator-after-first-vote",
    "coordinator-after-decision",      "coordinator-after-first-apply",
    "coordinator-after-forget-written", "coordinator-after-forget-synced"};

/// The step's name on a crash test's command line.
constexpr std::string_view name_of(CommitStep step) {
  return commit_step_names[static_cast<size_t>(step)];
}

/// The step named `name`, or nothing.
constexpr std::optional<CommitStep> commit_step_named(std::string_view name) {
  for (size_t i = 0; i < commit_step_names.size(); ++i)
    if (commit_step_names[i] == name)
      return static_cast<CommitStep>(i);
  return std::nullopt;
}

}  // namespace strata
