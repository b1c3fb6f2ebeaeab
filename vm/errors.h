// The built-in error classes and how a pending guest error is recorded.
#pragma once

#include <string>
#include <vector>

namespace nuri {

#define NURI_ERROR_CLASSES(X)                                                                      \
  X(Error)                                                                                         \
  X(ArithmeticError)                                                                               \
  X(IndexError)                                                                                    \
  X(NullError)                                                                                     \
  X(CastError)                                                                                     \
  X(ValueError)                                                                                    \
  X(StackOverflowError)                                                                            \
  X(LimitError)                                                                                    \
  X(IOError)

enum class ErrorClass {
#define X(name) name,
  NURI_ERROR_CLASSES(X)
#undef X
};

const char* errorClassName(ErrorClass cls);

// An error raised in a guest and not yet handled.
struct PendingError {
  ErrorClass cls = ErrorClass::Error;
  std::string message;
  std::vector<std::string> trace; // `at f (file:line)`, innermost first
  bool traced = false;            // the trace has been captured
  bool exit = false;              // not an error: System.exit unwinding the guest
};

} // namespace nuri
