// The built-in error classes and how a pending guest error is recorded.
#pragma once

#include <string>
#include <vector>

#include "nuri/nuri.h"

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
  X(IOError)                                                                                       \
  X(HostError)                                                                                     \
  X(SecurityError)

enum class ErrorClass {
#define X(name) name,
  NURI_ERROR_CLASSES(X)
#undef X
};

const char* errorClassName(ErrorClass cls);

// An error raised in a guest and not yet handled.
// The error object itself (an instance of the prelude's Error class, or a subclass) is kept
// in the isolate's roots while pending; see IsolateState::pendingObject.
struct PendingError {
  ErrorClass cls = ErrorClass::Error;
  std::string className; // of the error object, when there is one
  std::string message;
  std::vector<std::string> trace; // `at f (file:line)`, innermost first
  bool traced = false;            // the trace has been captured
  bool uncatchable = false;       // fuel or time ran out: the isolate stops
  bool exit = false;              // not an error: System.exit unwinding the guest
  // Not an error: the guest suspends (see IsolateState::checkLimits). Raised only where the
  // guest may suspend; the interpreter then leaves its frames on the VM stack.
  bool suspend = false;
  Error::Limit limit = Error::Limit::None; // a LimitError raised by a limit of the isolate
};

// Counted from the list, so that a class added there has its place everywhere.
constexpr int kErrorClassCount = 0
#define X(name) +1
    NURI_ERROR_CLASSES(X)
#undef X
    ;

} // namespace nuri
