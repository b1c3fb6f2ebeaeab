// `nuri repl`: the interactive prompt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/options.h"
#include "nuri/nuri.h"

namespace nuri::cli {

// The program typed so far. Each accepted entry becomes part of one growing program; to
// evaluate a new entry the whole program is compiled and run again in a fresh isolate, with the
// output of the earlier entries held back, so declarations and variables persist between
// entries while every run stays an ordinary, verified program.
class ReplSession {
public:
  ReplSession(Runtime& runtime, const RunOptions& options) : runtime_(runtime), options_(options) {}

  // Compiles and runs one entry, printing its output, its value if it is an expression with
  // one, or its errors. Returns the status once the program calls System.exit.
  std::optional<int> evaluate(const std::string& entry);

  // The entries accepted so far, as they were typed.
  const std::vector<std::string>& typed() const { return typed_; }
  void reset();

private:
  struct Outcome {
    bool compiled = false;
    std::string errors;            // compile errors, or the runtime error, for the terminal
    std::optional<int> exitStatus; // System.exit was called
    size_t outputBytes = 0;        // everything the run printed, earlier entries included
  };
  Outcome run(const std::string& entry);
  std::string programWith(const std::string& entry) const;
  // Session line -> (entry index, line in that entry); entries_.size() is the entry being run.
  std::pair<size_t, uint32_t> place(uint32_t line) const;
  std::string location(uint32_t line) const;
  SourceLabels labels() const;
  std::string relabelTraceLine(const std::string& text) const;
  // A runtime error with the session lines of its stack trace named as the entries' lines.
  std::string relabel(const Error& error) const;

  Runtime& runtime_;
  RunOptions options_;
  std::vector<std::string> entries_; // as compiled (an expression wrapped in println)
  std::vector<std::string> typed_;
  size_t shownOutput_ = 0; // bytes of output the accepted entries print, already on screen
};

// Runs the prompt until end of input or :quit; returns the exit status.
int runRepl(const RunOptions& options);

} // namespace nuri::cli
