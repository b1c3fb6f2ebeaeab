// Tokens of Nuri source text.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/source.h"

namespace nuri {

// clang-format off (one entry a line; the formatter would pack them)
#define NURI_KEYWORDS(X)                                                                           \
  X(Fun, "fun")                                                                                    \
  X(Class, "class")                                                                                \
  X(Interface, "interface")                                                                        \
  X(Enum, "enum")                                                                                  \
  X(Extends, "extends")                                                                            \
  X(Implements, "implements")                                                                      \
  X(Init, "init")                                                                                  \
  X(Var, "var")                                                                                    \
  X(Let, "let")                                                                                    \
  X(If, "if")                                                                                      \
  X(Else, "else")                                                                                  \
  X(When, "when")                                                                                  \
  X(While, "while")                                                                                \
  X(For, "for")                                                                                    \
  X(In, "in")                                                                                      \
  X(Break, "break")                                                                                \
  X(Continue, "continue")                                                                          \
  X(Return, "return")                                                                              \
  X(True, "true")                                                                                  \
  X(False, "false")                                                                                \
  X(Null, "null")                                                                                  \
  X(New, "new")                                                                                    \
  X(This, "this")                                                                                  \
  X(Super, "super")                                                                                \
  X(Is, "is")                                                                                      \
  X(As, "as")                                                                                      \
  X(Throw, "throw")                                                                                \
  X(Try, "try")                                                                                    \
  X(Catch, "catch")                                                                                \
  X(Finally, "finally")                                                                            \
  X(Import, "import")                                                                              \
  X(Private, "private")                                                                            \
  X(Protected, "protected")                                                                        \
  X(Abstract, "abstract")                                                                          \
  X(Override, "override")                                                                          \
  X(Static, "static")

#define NURI_PUNCTUATION(X)                                                                        \
  X(LParen, "(")                                                                                   \
  X(RParen, ")")                                                                                   \
  X(LBracket, "[")                                                                                 \
  X(RBracket, "]")                                                                                 \
  X(LBrace, "{")                                                                                   \
  X(RBrace, "}")                                                                                   \
  X(Comma, ",")                                                                                    \
  X(Dot, ".")                                                                                      \
  X(Colon, ":")                                                                                    \
  X(Semicolon, ";")                                                                                \
  X(Question, "?")                                                                                 \
  X(QuestionDot, "?.")                                                                             \
  X(Elvis, "?:")                                                                                   \
  X(Arrow, "->")                                                                                   \
  X(DotDot, "..")                                                                                  \
  X(DotDotEq, "..=")                                                                               \
  X(Plus, "+")                                                                                     \
  X(Minus, "-")                                                                                    \
  X(Star, "*")                                                                                     \
  X(Slash, "/")                                                                                    \
  X(Percent, "%")                                                                                  \
  X(Bang, "!")                                                                                     \
  X(Tilde, "~")                                                                                    \
  X(Amp, "&")                                                                                      \
  X(Pipe, "|")                                                                                     \
  X(Caret, "^")                                                                                    \
  X(AmpAmp, "&&")                                                                                  \
  X(PipePipe, "||")                                                                                \
  X(Shl, "<<")                                                                                     \
  X(Shr, ">>")                                                                                     \
  X(Ushr, ">>>")                                                                                   \
  X(Less, "<")                                                                                     \
  X(LessEq, "<=")                                                                                  \
  X(Greater, ">")                                                                                  \
  X(GreaterEq, ">=")                                                                               \
  X(EqEq, "==")                                                                                    \
  X(BangEq, "!=")                                                                                  \
  X(Eq, "=")                                                                                       \
  X(PlusPlus, "++")                                                                                \
  X(MinusMinus, "--")                                                                              \
  X(PlusEq, "+=")                                                                                  \
  X(MinusEq, "-=")                                                                                 \
  X(StarEq, "*=")                                                                                  \
  X(SlashEq, "/=")                                                                                 \
  X(PercentEq, "%=")                                                                               \
  X(AmpEq, "&=")                                                                                   \
  X(PipeEq, "|=")                                                                                  \
  X(CaretEq, "^=")                                                                                 \
  X(ShlEq, "<<=")                                                                                  \
  X(ShrEq, ">>=")
// clang-format on

enum class Tok : uint8_t {
  Eof,
  Newline,
  Identifier,
  Int,
  Float,
  String,        // a whole string literal, or the last part of an interpolated one
  Interpolation, // the text of a string up to `${`; an expression and more parts follow
  Error,         // a malformed token (already reported)
#define X(name, text) name,
  NURI_KEYWORDS(X) NURI_PUNCTUATION(X)
#undef X
};

const char* tokenText(Tok kind); // `fun`, `(`, or a description such as `identifier`
// The operator of a compound assignment (`+=` -> `+`), or Eof for other tokens.
Tok compoundOperator(Tok assignment);

struct Token {
  Tok kind = Tok::Eof;
  SourcePos pos;
  std::string text; // identifier name or decoded string contents
  int64_t intValue = 0;
  double floatValue = 0;
};

} // namespace nuri
