#include "compiler/lexer.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "compiler/limits.h"
#include "support/utf8.h"

namespace nuri {

const char* tokenText(Tok kind) {
  switch (kind) {
  case Tok::Eof: return "end of file";
  case Tok::Newline: return "end of line";
  case Tok::Identifier: return "identifier";
  case Tok::Int: return "integer";
  case Tok::Float: return "float";
  case Tok::String: return "string";
  case Tok::Interpolation: return "string";
  case Tok::Error: return "invalid token";
#define X(name, text)                                                                              \
  case Tok::name: return text;
    NURI_KEYWORDS(X) NURI_PUNCTUATION(X)
#undef X
  }
  return "?";
}

Tok compoundOperator(Tok op) {
  switch (op) {
  case Tok::PlusEq: return Tok::Plus;
  case Tok::MinusEq: return Tok::Minus;
  case Tok::StarEq: return Tok::Star;
  case Tok::SlashEq: return Tok::Slash;
  case Tok::PercentEq: return Tok::Percent;
  case Tok::AmpEq: return Tok::Amp;
  case Tok::PipeEq: return Tok::Pipe;
  case Tok::CaretEq: return Tok::Caret;
  case Tok::ShlEq: return Tok::Shl;
  case Tok::ShrEq: return Tok::Shr;
  default: return Tok::Eof;
  }
}

namespace {

const std::unordered_map<std::string_view, Tok>& keywordTable() {
  static const std::unordered_map<std::string_view, Tok> table = {
#define X(name, text) {text, Tok::name},
      NURI_KEYWORDS(X)
#undef X
  };
  return table;
}

bool endsStatement(Tok kind) {
  switch (kind) {
  case Tok::Identifier:
  case Tok::Int:
  case Tok::Float:
  case Tok::String:
  case Tok::True:
  case Tok::False:
  case Tok::Null:
  case Tok::This:
  case Tok::RParen:
  case Tok::RBracket:
  case Tok::RBrace:
  case Tok::PlusPlus:
  case Tok::MinusMinus:
  case Tok::Return:
  case Tok::Break:
  case Tok::Continue:
  case Tok::Error: return true;
  default: return false;
  }
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

class Lexer {
public:
  Lexer(std::string_view text, uint32_t file, uint32_t firstLine, Diagnostics& diags)
      : src_(text), diags_(diags), file_(file), firstLine_(firstLine) {}

  std::vector<Token> run() {
    size_t badOffset = 0;
    if (!isValidUtf8(src_, &badOffset)) {
      advanceTo(badOffset);
      char hex[8];
      std::snprintf(hex, sizeof hex, "%02X", static_cast<unsigned char>(src_[badOffset]));
      diags_.error(pos(), std::string("the file is not valid UTF-8 (byte 0x") + hex +
                              "); Nuri source must be UTF-8 text");
      tokens_.push_back({Tok::Eof, pos(), "", 0, 0});
      return std::move(tokens_);
    }
    resetPosition();
    if (src_.substr(0, 3) == "\xEF\xBB\xBF") {
      i_ = 3;
    }
    while (true) {
      skipSpaceAndComments();
      if (i_ >= src_.size()) break;
      lexToken();
    }
    if (!tokens_.empty() && tokens_.back().kind != Tok::Newline) emitNewline(pos());
    Token eof;
    eof.kind = Tok::Eof;
    eof.pos = pos();
    tokens_.push_back(eof);
    return std::move(tokens_);
  }

private:
  std::string_view src_;
  Diagnostics& diags_;
  uint32_t file_;
  uint32_t firstLine_; // the line src_ starts at
  std::vector<Token> tokens_;
  size_t i_ = 0;
  uint32_t line_ = firstLine_, column_ = 1;
  // Open brackets: '(', '[', '{', or 'I' for the `${` of an interpolation.
  std::vector<char> brackets_;

  SourcePos pos() const { return {line_, column_, file_}; }
  void resetPosition() {
    i_ = 0;
    line_ = firstLine_;
    column_ = 1;
  }
  void advanceTo(size_t offset) {
    while (i_ < offset && i_ < src_.size())
      step();
  }

  char peek(size_t ahead = 0) const { return i_ + ahead < src_.size() ? src_[i_ + ahead] : '\0'; }
  // Consumes one byte, keeping line and column (in code points) up to date.
  char step() {
    char c = src_[i_++];
    if (c == '\n') {
      line_++;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      column_++;
    }
    return c;
  }

  void add(Tok kind, SourcePos at, std::string text = {}) {
    // Names and string constants are stored in the bytecode, which bounds their length.
    if ((kind == Tok::String || kind == Tok::Interpolation) && text.size() > nbc::kMaxStringBytes) {
      diags_.error(at, "a string literal is longer than " + std::to_string(nbc::kMaxStringBytes) +
                           " bytes; build longer text at run time (with StringBuilder or repeat)");
    } else if (kind == Tok::Identifier && text.size() > kMaxNameLength) {
      diags_.error(at, "a name is longer than " + std::to_string(kMaxNameLength) + " bytes");
    }
    Token t;
    t.kind = kind;
    t.pos = at;
    t.text = std::move(text);
    tokens_.push_back(std::move(t));
  }

  // Whether the line after the current position begins with a keyword that only starts a
  // statement or declaration.
  bool nextLineStartsStatement() const {
    size_t k = i_;
    while (k < src_.size() && (src_[k] == ' ' || src_[k] == '\t' || src_[k] == '\r'))
      k++;
    size_t start = k;
    while (k < src_.size() && isIdentChar(src_[k]))
      k++;
    std::string_view word = src_.substr(start, k - start);
    static const char* const kStarters[] = {"let",    "var",   "class",   "interface",
                                            "while",  "for",   "return",  "if",
                                            "import", "break", "continue"};
    for (const char* starter : kStarters)
      if (word == starter) return true;
    return false;
  }

  void emitNewline(SourcePos at) {
    if (!tokens_.empty() && tokens_.back().kind != Tok::Newline) add(Tok::Newline, at);
  }

  void skipSpaceAndComments() {
    while (i_ < src_.size()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r') {
        step();
      } else if (c == '\n') {
        SourcePos at = pos(); // a newline token points at the end of its line
        step();
        bool inParens = !brackets_.empty() && (brackets_.back() == '(' || brackets_.back() == '[');
        if (inParens && nextLineStartsStatement()) {
          // A `(` or `[` was left open: a statement keyword cannot appear inside one, so
          // close it here and let the parser report the missing bracket on this line only.
          while (!brackets_.empty() && (brackets_.back() == '(' || brackets_.back() == '['))
            brackets_.pop_back();
          if (!tokens_.empty() && tokens_.back().kind != Tok::Newline) {
            add(Tok::Newline, tokens_.back().pos);
          }
          inParens = false;
        } else if (!inParens && !tokens_.empty() && endsStatement(tokens_.back().kind)) {
          emitNewline(at);
        }
      } else if (c == '/' && peek(1) == '/') {
        while (i_ < src_.size() && peek() != '\n')
          step();
      } else if (c == '/' && peek(1) == '*') {
        SourcePos start = pos();
        step();
        step();
        int depth = 1;
        while (i_ < src_.size() && depth > 0) {
          if (peek() == '/' && peek(1) == '*') {
            step();
            step();
            depth++;
          } else if (peek() == '*' && peek(1) == '/') {
            step();
            step();
            depth--;
          } else {
            step();
          }
        }
        if (depth > 0) diags_.error(start, "unterminated block comment");
      } else {
        break;
      }
    }
  }

  void lexToken() {
    SourcePos start = pos();
    char c = peek();
    if (isIdentStart(c)) {
      size_t b = i_;
      while (i_ < src_.size() && isIdentChar(peek()))
        step();
      std::string_view word = src_.substr(b, i_ - b);
      auto it = keywordTable().find(word);
      if (it != keywordTable().end())
        add(it->second, start);
      else
        add(Tok::Identifier, start, std::string(word));
      return;
    }
    if (isDigit(c)) {
      lexNumber(start);
      return;
    }
    if (c == '"') {
      step();
      lexStringPart(start);
      return;
    }
    if (c == '\'') {
      // Strings use double quotes; read a 'quoted' run as one bad token.
      step();
      while (i_ < src_.size() && peek() != '\'' && peek() != '\n')
        step();
      if (peek() == '\'') step();
      diags_.error(start, "strings are written in double quotes: \"...\"");
      add(Tok::Error, start);
      return;
    }
    if (c == '.' && isDigit(peek(1))) {
      Tok prev = tokens_.empty() ? Tok::Newline : tokens_.back().kind;
      if (prev != Tok::Identifier && prev != Tok::RParen && prev != Tok::RBracket) {
        // `.5`: report it with the fix, then read it as the float the user meant.
        size_t b = i_;
        step();
        while (i_ < src_.size() && isDigit(peek()))
          step();
        std::string digits(src_.substr(b, i_ - b));
        diags_.error(start, "a float needs a digit before its dot: write `0" + digits + "`");
        Token t;
        t.kind = Tok::Float;
        t.pos = start;
        t.floatValue = std::strtod(("0" + digits).c_str(), nullptr);
        tokens_.push_back(t);
        return;
      }
    }
    lexPunctuation(start);
  }

  void lexPunctuation(SourcePos start) {
    char c = step();
    auto match = [&](char next) {
      if (peek() == next) {
        step();
        return true;
      }
      return false;
    };
    switch (c) {
    case '(':
      brackets_.push_back('(');
      add(Tok::LParen, start);
      return;
    case '[':
      brackets_.push_back('[');
      add(Tok::LBracket, start);
      return;
    case '{':
      brackets_.push_back('{');
      add(Tok::LBrace, start);
      return;
    case ')': closeBracket('(', Tok::RParen, start); return;
    case ']': closeBracket('[', Tok::RBracket, start); return;
    case '}':
      if (!brackets_.empty() && brackets_.back() == 'I') {
        brackets_.pop_back();
        lexStringPart(start);
        tokens_.back().intValue = 1; // continues an interpolated string
        return;
      }
      closeBracket('{', Tok::RBrace, start);
      return;
    case ',': add(Tok::Comma, start); return;
    case ':': add(Tok::Colon, start); return;
    case ';': add(Tok::Semicolon, start); return;
    case '?':
      add(match('.') ? Tok::QuestionDot : match(':') ? Tok::Elvis : Tok::Question, start);
      return;
    case '~': add(Tok::Tilde, start); return;
    case '.':
      if (match('.'))
        add(match('=') ? Tok::DotDotEq : Tok::DotDot, start);
      else
        add(Tok::Dot, start);
      return;
    case '+': add(match('+') ? Tok::PlusPlus : match('=') ? Tok::PlusEq : Tok::Plus, start); return;
    case '-':
      if (match('>'))
        add(Tok::Arrow, start);
      else if (match('-'))
        add(Tok::MinusMinus, start);
      else
        add(match('=') ? Tok::MinusEq : Tok::Minus, start);
      return;
    case '*': add(match('=') ? Tok::StarEq : Tok::Star, start); return;
    case '/': add(match('=') ? Tok::SlashEq : Tok::Slash, start); return;
    case '%': add(match('=') ? Tok::PercentEq : Tok::Percent, start); return;
    case '^': add(match('=') ? Tok::CaretEq : Tok::Caret, start); return;
    case '!': add(match('=') ? Tok::BangEq : Tok::Bang, start); return;
    case '=': add(match('=') ? Tok::EqEq : Tok::Eq, start); return;
    case '&':
      if (match('&'))
        add(Tok::AmpAmp, start);
      else
        add(match('=') ? Tok::AmpEq : Tok::Amp, start);
      return;
    case '|':
      if (match('|'))
        add(Tok::PipePipe, start);
      else
        add(match('=') ? Tok::PipeEq : Tok::Pipe, start);
      return;
    case '<':
      if (match('<'))
        add(match('=') ? Tok::ShlEq : Tok::Shl, start);
      else
        add(match('=') ? Tok::LessEq : Tok::Less, start);
      return;
    case '>':
      if (match('>')) {
        if (match('>'))
          add(Tok::Ushr, start);
        else
          add(match('=') ? Tok::ShrEq : Tok::Shr, start);
      } else {
        add(match('=') ? Tok::GreaterEq : Tok::Greater, start);
      }
      return;
    default: break;
    }
    // An unexpected character: report it whole (it may be several UTF-8 bytes).
    size_t b = i_ - 1;
    while (i_ < src_.size() && (static_cast<unsigned char>(peek()) & 0xC0) == 0x80)
      step();
    std::string shown(src_.substr(b, i_ - b));
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(c));
      shown = hex;
    }
    diags_.error(start, "unexpected character `" + shown + "`");
    add(Tok::Error, start);
  }

  void closeBracket(char open, Tok kind, SourcePos start) {
    if (!brackets_.empty() && brackets_.back() == open) brackets_.pop_back();
    add(kind, start);
  }

  void lexNumber(SourcePos start) {
    size_t b = i_;
    int base = 10;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) base = 16;
    if (peek() == '0' && (peek(1) == 'b' || peek(1) == 'B')) base = 2;
    if (base != 10) {
      step();
      step();
      std::string digits;
      while (i_ < src_.size()) {
        char c = peek();
        bool ok =
            base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) : (c == '0' || c == '1');
        if (ok)
          digits += c;
        else if (c != '_' && !isIdentChar(c))
          break;
        else if (c != '_') {
          diags_.error(pos(), std::string("invalid digit `") + c + "` in a " +
                                  (base == 16 ? "hexadecimal" : "binary") + " literal");
          while (i_ < src_.size() && isIdentChar(peek()))
            step();
          add(Tok::Error, start);
          return;
        }
        step();
      }
      Token t;
      t.kind = Tok::Int;
      t.pos = start;
      if (digits.empty()) {
        diags_.error(start, "missing digits after `0" + std::string(1, src_[b + 1]) + "`");
      }
      uint64_t value = 0;
      bool overflow = false;
      for (char d : digits) {
        uint64_t v = isDigit(d) ? d - '0' : (std::tolower(d) - 'a' + 10);
        if (value > (UINT64_MAX - v) / base) overflow = true;
        value = value * base + v;
      }
      if (overflow || value > uint64_t(INT64_MAX)) {
        diags_.error(start, "integer literal `" + std::string(src_.substr(b, i_ - b)) +
                                "` is out of range for int (64-bit signed)");
      }
      t.intValue = int64_t(value);
      tokens_.push_back(t);
      return;
    }
    std::string digits;
    auto readDigits = [&] {
      while (i_ < src_.size() && (isDigit(peek()) || peek() == '_')) {
        if (peek() != '_') digits += peek();
        step();
      }
    };
    readDigits();
    bool isFloat = false;
    if (peek() == '.' && isDigit(peek(1))) {
      isFloat = true;
      digits += step();
      readDigits();
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
      isFloat = true;
      digits += step();
      if (peek() == '+' || peek() == '-') digits += step();
      readDigits();
    }
    if (isIdentStart(peek())) {
      diags_.error(pos(), std::string("unexpected `") + peek() + "` after a number");
      while (i_ < src_.size() && isIdentChar(peek()))
        step();
    }
    Token t;
    t.pos = start;
    if (isFloat) {
      t.kind = Tok::Float;
      errno = 0;
      t.floatValue = std::strtod(digits.c_str(), nullptr);
      if (std::isinf(t.floatValue)) {
        diags_.error(start,
                     "float literal `" + std::string(src_.substr(b, i_ - b)) + "` is out of range");
      }
    } else {
      t.kind = Tok::Int;
      uint64_t value = 0;
      bool overflow = false;
      for (char d : digits) {
        uint64_t v = d - '0';
        if (value > (UINT64_MAX - v) / 10) overflow = true;
        value = value * 10 + v;
      }
      if (!overflow && value == uint64_t(INT64_MAX) + 1) {
        t.text = "min"; // only valid right after a unary minus; the parser decides
      } else if (overflow || value > uint64_t(INT64_MAX)) {
        diags_.error(start, "integer literal `" + std::string(src_.substr(b, i_ - b)) +
                                "` is out of range for int (64-bit signed)");
      }
      t.intValue = int64_t(value);
    }
    tokens_.push_back(t);
  }

  // Lexes string text from the current position (just after `"` or the `}` closing an
  // interpolation) up to the closing quote or the next `${`.
  void lexStringPart(SourcePos start) {
    std::string text;
    while (true) {
      if (i_ >= src_.size() || peek() == '\n') {
        diags_.error(start, "unterminated string literal");
        add(Tok::String, start, std::move(text));
        return;
      }
      char c = peek();
      if (c == '"') {
        step();
        add(Tok::String, start, std::move(text));
        return;
      }
      if (c == '$' && peek(1) == '{') {
        step();
        step();
        add(Tok::Interpolation, start, std::move(text));
        brackets_.push_back('I');
        return;
      }
      if (c == '\\') {
        SourcePos escapePos = pos();
        step();
        char e = i_ < src_.size() ? step() : '\0';
        switch (e) {
        case 'n': text += '\n'; break;
        case 't': text += '\t'; break;
        case 'r': text += '\r'; break;
        case '0': text += '\0'; break;
        case '\\': text += '\\'; break;
        case '"': text += '"'; break;
        case '$': text += '$'; break;
        case 'u': lexUnicodeEscape(escapePos, text); break;
        default:
          diags_.error(escapePos, std::string("unknown escape sequence `\\") +
                                      (e >= 0x20 && e < 0x7F ? std::string(1, e) : "?") +
                                      "` (valid: \\n \\t \\r \\0 \\\\ \\\" \\$ \\u{...})");
        }
        continue;
      }
      text += step();
    }
  }

  void lexUnicodeEscape(SourcePos escapePos, std::string& text) {
    if (peek() != '{') {
      diags_.error(escapePos, "a unicode escape is written \\u{HEX}, e.g. \\u{1F600}");
      return;
    }
    step();
    uint32_t cp = 0;
    int count = 0;
    while (std::isxdigit(static_cast<unsigned char>(peek())) && count < 9) {
      char d = step();
      cp = cp * 16 + (isDigit(d) ? d - '0' : (std::tolower(d) - 'a' + 10));
      count++;
    }
    if (peek() != '}' || count == 0 || count > 6) {
      diags_.error(escapePos, "a unicode escape is written \\u{HEX} with 1 to 6 hex digits");
      while (i_ < src_.size() && peek() != '}' && peek() != '"' && peek() != '\n')
        step();
      if (peek() == '}') step();
      return;
    }
    step();
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      diags_.error(escapePos, "\\u{...} must name a Unicode scalar value (not a surrogate, at "
                              "most 10FFFF)");
      return;
    }
    appendUtf8(text, cp);
  }
};

} // namespace

std::vector<Token> tokenize(const SourceFile& file, Diagnostics& diagnostics) {
  return Lexer(file.text(), diagnostics.fileIndex(file), 1, diagnostics).run();
}

std::vector<Token> tokenize(std::string_view text, uint32_t file, uint32_t firstLine,
                            Diagnostics& diagnostics) {
  return Lexer(text, file, firstLine, diagnostics).run();
}

bool isIncompleteSource(std::string_view text) {
  if (text.size() > kMaxSourceBytes) return false; // complete enough to be rejected as too large
  SourceFile file("<input>", std::string(text));
  Diagnostics diagnostics(file);
  std::vector<Token> tokens = tokenize(file, diagnostics);
  for (const Diagnostic& d : diagnostics.list()) {
    if (d.message == "unterminated block comment") return true;
  }
  int depth = 0;
  const Token* last = nullptr;
  for (const Token& t : tokens) {
    switch (t.kind) {
    case Tok::LParen:
    case Tok::LBracket:
    case Tok::LBrace: depth++; break;
    case Tok::RParen:
    case Tok::RBracket:
    case Tok::RBrace: depth--; break;
    default: break;
    }
    if (t.kind != Tok::Newline && t.kind != Tok::Eof) last = &t;
  }
  if (depth > 0) return true;
  return last && last->kind != Tok::Semicolon && !endsStatement(last->kind);
}

} // namespace nuri
