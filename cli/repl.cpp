#include "cli/repl.h"

#include <charconv>
#include <cstdlib>
#include <iostream>

#include "cli/line_editor.h"
#include "cli/output.h"
#include "support/read_file.h"

namespace nuri::cli {

namespace {

constexpr const char* kSessionFile = "<repl>";

const char* const kReplHelp =
    R"(Type Nuri declarations and statements; an expression's value is printed.
An entry continues on the next line while a bracket is open or a line ends in an operator.
Everything entered stays defined: later entries can use earlier variables, functions and
classes. Errors name lines as input:LINE (the entry just typed) or input#N:LINE (entry N).

Commands:
  :help          this text
  :show          the entries of the session, numbered
  :reset         forget every entry
  :quit          leave (also Ctrl-D)
)";

size_t countLines(const std::string& text) {
  size_t n = 1;
  for (char c : text)
    n += c == '\n';
  return n;
}

// `#3  text` and a newline, as :show lists an entry.
std::string numbered(size_t number, const std::string& text) {
  std::string line = "#";
  line += std::to_string(number);
  line += "  ";
  line += text;
  line += "\n";
  return line;
}

bool isBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

} // namespace

void ReplSession::reset() {
  entries_.clear();
  typed_.clear();
  shownOutput_ = 0;
}

std::string ReplSession::programWith(const std::string& entry) const {
  std::string program;
  for (const std::string& e : entries_)
    program += e + "\n";
  return program + entry + "\n";
}

std::pair<size_t, uint32_t> ReplSession::place(uint32_t line) const {
  size_t entry = 0;
  while (entry < entries_.size() && line > countLines(entries_[entry])) {
    line -= uint32_t(countLines(entries_[entry]));
    entry++;
  }
  return {entry, line};
}

// `input:3` for a line of the entry being run, `input#2:3` for one of entry 2.
std::string ReplSession::location(uint32_t line) const {
  auto [entry, inEntry] = place(line);
  if (entry == entries_.size()) return "input:" + std::to_string(inEntry);
  return "input#" + std::to_string(entry + 1) + ":" + std::to_string(inEntry);
}

// The compiler names the session's lines through these labels, so only the places it reports
// change; the text of the entries and of messages stays as it is.
SourceLabels ReplSession::labels() const {
  SourceLabels labels;
  labels.location = [this](uint32_t line) { return location(line); };
  labels.mention = [this](uint32_t line) {
    auto [entry, inEntry] = place(line);
    return entry == entries_.size() ? "line " + std::to_string(inEntry) : location(line);
  };
  return labels;
}

// A stack-trace line from the VM, `at NAME (<repl>:LINE)`, with the session line named as the
// entry's. The function name is an identifier, so the place is the whole parenthesis at the
// end; anything else (a module's file, `... N more frames ...`) stays as it is.
std::string ReplSession::relabelTraceLine(const std::string& text) const {
  const std::string opening = std::string(" (") + kSessionFile + ":";
  size_t at = text.rfind(opening);
  if (at == std::string::npos || text.back() != ')') return text;
  const char* first = text.data() + at + opening.size();
  const char* last = text.data() + text.size() - 1;
  uint32_t line = 0;
  auto [end, problem] = std::from_chars(first, last, line);
  if (problem != std::errc() || end != last || first == last) return text;
  return text.substr(0, at) + " (" + location(line) + ")";
}

std::string ReplSession::relabel(const Error& error) const {
  Error relabelled = withOptionHint(error);
  for (std::string& line : relabelled.trace)
    line = relabelTraceLine(line);
  return relabelled.render();
}

ReplSession::Outcome ReplSession::run(const std::string& entry) {
  Outcome outcome;
  Result<Program> program =
      compileSource(programWith(entry), kSessionFile,
                    {.importFiles = true, .searchPath = options_.searchPath, .labels = labels()});
  if (!program) {
    outcome.errors = program.error().render();
    return outcome;
  }
  outcome.compiled = true;
  // The earlier entries print what they printed before; only what comes after is new.
  IsolateConfig config = options_.config;
  // Standard input is the prompt's, and every entry runs the session's earlier ones again:
  // the session's guests read none of it (readLine() gives null).
  config.input = nullptr;
  size_t shown = shownOutput_;
  config.output = [&outcome, shown](std::string_view text) {
    size_t start = outcome.outputBytes;
    outcome.outputBytes += text.size();
    if (outcome.outputBytes <= shown) return true;
    return writeOutput(text.substr(start < shown ? shown - start : 0));
  };
  std::unique_ptr<Isolate> isolate = runtime_.newIsolate(config);
  Status loaded = isolate->load(*program);
  if (!loaded) outcome.errors = relabel(loaded.error());
  outcome.exitStatus = isolate->exitStatus();
  return outcome;
}

std::optional<int> ReplSession::evaluate(const std::string& entry) {
  if (isBlank(entry)) return std::nullopt;
  // An expression is shown by printing it; anything else (declarations, statements, calls of
  // functions without a result) does not compile that way and runs as it is.
  std::string shown = "println(" + entry + "\n)";
  Outcome outcome = run(shown);
  std::string accepted = shown;
  if (!outcome.compiled) {
    outcome = run(entry);
    accepted = entry;
  }
  if (!outcome.errors.empty()) {
    std::cout.flush();
    std::cerr << outcome.errors;
    return outcome.exitStatus;
  }
  entries_.push_back(accepted);
  typed_.push_back(entry);
  shownOutput_ = outcome.outputBytes;
  return outcome.exitStatus;
}

int runRepl(const RunOptions& options) {
  Runtime runtime;
  ReplSession session(runtime, options);
  // No entry can be longer than a source file, so neither can a line.
  LineReader reader(maxSourceBytes());
  std::string historyPath;
  if (const char* home = std::getenv("HOME"); home && reader.interactive()) {
    historyPath = std::string(home) + "/.nuri_history";
    if (std::string problem = reader.loadHistory(historyPath); !problem.empty()) {
      std::cerr << "nuri: " << problem << "\n";
    }
  }
  if (reader.interactive()) {
    writeOutput("Nuri " + std::string(version()) +
                ". Type :help for help, :quit or Ctrl-D to leave.\n");
  }
  int status = kExitOk;
  bool entryTooLarge = false;
  // Once nobody reads the output, the session ends quietly with status 0 (see cli/output.h).
  while (!outputClosed()) {
    std::optional<std::string> line = reader.readLine("nuri> ");
    if (!line) break;
    std::string entry = *line;
    reader.addHistory(*line);
    while (isIncompleteSource(entry) && entry.size() <= maxSourceBytes()) {
      std::optional<std::string> more = reader.readLine("  ... ");
      if (!more || reader.interrupted()) break;
      reader.addHistory(*more);
      entry += "\n" + *more;
    }
    entryTooLarge = entry.size() > maxSourceBytes();
    if (reader.tooLong() || entryTooLarge) break;
    if (reader.interrupted()) continue;
    if (entry == ":quit" || entry == ":q" || entry == ":exit") break;
    if (entry == ":help") {
      writeOutput(kReplHelp);
    } else if (entry == ":reset") {
      session.reset();
    } else if (entry == ":show") {
      for (size_t i = 0; i < session.typed().size() && !outputClosed(); i++)
        writeOutput(numbered(i + 1, session.typed()[i]));
    } else if (!entry.empty() && entry[0] == ':') {
      std::cerr << "unknown command `" << entry << "`; type :help for the commands\n";
    } else if (std::optional<int> exit = session.evaluate(entry)) {
      status = *exit;
      break;
    }
  }
  if (reader.tooLong() || entryTooLarge) {
    // What follows cannot be told apart from the rest of that entry: the session ends.
    std::cout.flush();
    std::cerr << "error: the entry is larger than the " << describeLimit(maxSourceBytes())
              << " limit for source files\n";
    status = kExitDataError;
  }
  if (!historyPath.empty()) reader.saveHistory(historyPath);
  return status;
}

} // namespace nuri::cli
