// Standard input and standard error: readLine, eprint and eprintln. Both go through the hooks
// of the isolate's configuration (IsolateConfig::input and errorOutput), which the nuri command
// wires to the process and an embedder to whatever it likes.
#include <exception>
#include <string>

#include "classlib/natives.h"
#include "support/utf8.h"

namespace nuri {

namespace {

// Bytes asked of the input hook at a time.
constexpr size_t kReadChunk = 64u << 10;

// Calls the input hook for up to kReadChunk more bytes; at the end of the input (or without a
// hook) marks the buffer ended. The bytes held count towards the heap limit. Returns false with
// an error raised when the hook failed or the bytes do not fit.
bool readMore(IsolateState& I, InputBuffer& in) {
  if (!I.config.input) {
    in.ended = true;
    return true;
  }
  in.compact();
  size_t before = in.bytes.size();
  try {
    if (!I.config.input(in.bytes, kReadChunk)) in.ended = true;
  } catch (const std::exception& e) {
    return I.raise(ErrorClass::IOError, std::string("reading standard input failed: ") + e.what());
  } catch (...) {
    return I.raise(ErrorClass::IOError, "reading standard input failed");
  }
  // Nothing has arrived yet: while the guest waits for it, its limits hold (a timeout, a
  // terminate or suspend request), checked between the hook's waits.
  if (!in.ended && in.bytes.size() == before) return I.checkLimits(I.instructions);
  I.chargeWork(in.bytes.size() - before);
  if (in.bytes.size() > in.reserved) {
    uint64_t more = in.bytes.size() - in.reserved;
    if (!I.reserve(more)) return false;
    in.reserved += more;
  } else {
    I.release(in.reserved - in.bytes.size());
    in.reserved = in.bytes.size();
  }
  return I.nativeProgress(in.bytes.size() - before);
}

// Writes `text` to standard error, after what print has buffered for standard output, so that a
// terminal shows both in the order the program wrote them.
bool writeError(IsolateState& I, std::string_view text) {
  I.flushOutput();
  if (!I.config.errorOutput) return true;
  try {
    I.config.errorOutput(text);
  } catch (const std::exception& e) {
    return I.raise(ErrorClass::IOError, std::string("writing standard error failed: ") + e.what());
  } catch (...) {
    return I.raise(ErrorClass::IOError, "writing standard error failed");
  }
  return true;
}

} // namespace

// The next line of standard input without its line ending (`\n` or `\r\n`); null at the end.
NATIVE_FUNCTION(readLine) {
  InputBuffer& in = I.input;
  size_t scanned = 0; // bytes of in.unread() known to hold no newline
  size_t lineEnd = 0, next = 0;
  for (;;) {
    std::string_view ahead = in.unread();
    size_t newline = ahead.find('\n', scanned);
    if (newline != std::string_view::npos) {
      lineEnd = newline > 0 && ahead[newline - 1] == '\r' ? newline - 1 : newline;
      next = newline + 1;
      break;
    }
    scanned = ahead.size();
    if (in.ended) {
      if (ahead.empty()) return out.set(nullptr);
      lineEnd = next = ahead.size();
      break;
    }
    if (scanned >= kMaxStringBytes) {
      return I.raise(ErrorClass::IOError, "a line of standard input is longer than " +
                                              std::to_string(kMaxStringBytes >> 30) + " GB");
    }
    if (!readMore(I, in)) return false;
  }
  std::string_view line = in.unread().substr(0, lineEnd);
  size_t bad = 0;
  if (!isValidUtf8(line, &bad)) {
    in.consume(next); // the next call reads the next line
    return I.raise(ErrorClass::IOError, "standard input is not valid UTF-8 (byte " +
                                            std::to_string(bad + 1) + " of the line)");
  }
  I.chargeWork(line.size());
  StringObject* s = I.newString(line);
  if (!s) return false;
  in.consume(next);
  return out.set(s);
}

NATIVE_FUNCTION(eprint) {
  StringObject* s = args.get<0>();
  return writeError(I, s ? s->view() : "null");
}

NATIVE_FUNCTION(eprintln) {
  StringObject* s = args.get<0>();
  return writeError(I, std::string(s ? s->view() : "null") + "\n");
}

} // namespace nuri
