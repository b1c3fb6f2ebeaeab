// Standard output of the `nuri` command. A reader that has gone (a closed pipe, as with
// `nuri ... | head`) ends the command quietly with status 0, as it does for `cat` or `grep`;
// for that the command ignores SIGPIPE and looks for EPIPE instead.
#pragma once

#include <string_view>

namespace nuri::cli {

// Makes writes to a closed pipe fail with EPIPE instead of killing the process.
void ignoreBrokenPipes();

// Writes `text` to standard output at once. Returns false once the reader has gone; other
// write errors are not reported here.
bool writeOutput(std::string_view text);

// Whether writeOutput found the reader gone.
bool outputClosed();

} // namespace nuri::cli
