// compiler/lexer.h: tokens, the newline rule, literals, strings and their errors.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/diagnostics.h"
#include "compiler/lexer.h"

namespace nuri {
namespace {

struct Lexed {
  std::vector<Token> tokens;
  std::vector<std::string> errors; // "LINE:COL: message", in the order reported
};

Lexed lex(const std::string& text) {
  SourceFile file("test.nuri", text);
  Diagnostics diagnostics(file);
  Lexed out;
  out.tokens = tokenize(file, diagnostics);
  for (const Diagnostic& d : diagnostics.list()) {
    out.errors.push_back(std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " +
                         d.message);
  }
  return out;
}

// The tokens as one readable line: keywords and punctuation as written, identifiers by name,
// ints as #N, floats as #F, strings quoted (an interpolation part ends in `${`, a part after an
// interpolation starts with `}`), newlines as NL, the end as EOF.
std::string show(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& t : tokens) {
    if (!out.empty()) out += ' ';
    switch (t.kind) {
    case Tok::Identifier: out += t.text; break;
    case Tok::Int:
      out += '#';
      out += std::to_string(t.intValue);
      break;
    case Tok::Float: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "#%g", t.floatValue);
      out += buf;
      break;
    }
    case Tok::String: out += (t.intValue == 1 ? "}" : "\"") + t.text + "\""; break;
    case Tok::Interpolation: out += (t.intValue == 1 ? "}" : "\"") + t.text + "${"; break;
    case Tok::Newline: out += "NL"; break;
    case Tok::Eof: out += "EOF"; break;
    case Tok::Error: out += "ERROR"; break;
    default: out += tokenText(t.kind); break;
    }
  }
  return out;
}

std::string showSource(const std::string& text) { return show(lex(text).tokens); }

// ---- Tokens ----

TEST(Lexer, EmptySourceIsOnlyEndOfFile) {
  Lexed l = lex("");
  EXPECT_EQ(show(l.tokens), "EOF");
  EXPECT_TRUE(l.errors.empty());
  EXPECT_EQ(showSource("  \n\n\t\n"), "EOF");
}

TEST(Lexer, FunctionDeclaration) {
  EXPECT_EQ(showSource("fun add(a: int, b: int): int { return a + b }"),
            "fun add ( a : int , b : int ) : int { return a + b } NL EOF");
}

TEST(Lexer, EveryKeyword) {
  EXPECT_EQ(showSource("fun class interface extends implements init var let if else while for in "
                       "break continue return true false null new this super is as throw try "
                       "catch finally import private override static"),
            "fun class interface extends implements init var let if else while for in break "
            "continue return true false null new this super is as throw try catch finally "
            "import private override static NL EOF");
}

TEST(Lexer, KeywordPrefixesAreIdentifiers) {
  Lexed l = lex("funny classy _if if_ iff In FUN x9 _");
  ASSERT_EQ(l.tokens.size(), 11u);
  for (size_t i = 0; i < 9; i++)
    EXPECT_EQ(l.tokens[i].kind, Tok::Identifier) << i;
  EXPECT_EQ(show(l.tokens), "funny classy _if if_ iff In FUN x9 _ NL EOF");
}

TEST(Lexer, LongestMatchForOperators) {
  EXPECT_EQ(showSource("a >>> b >>= c >> d >= e > f"), "a >>> b >>= c >> d >= e > f NL EOF");
  EXPECT_EQ(showSource("a <<= b << c <= d < e"), "a <<= b << c <= d < e NL EOF");
  EXPECT_EQ(showSource("a..b ..= c -> d -= e - f"), "a .. b ..= c -> d -= e - f NL EOF");
  EXPECT_EQ(showSource("a && b & c &= d || e | f |= g"), "a && b & c &= d || e | f |= g NL EOF");
  EXPECT_EQ(showSource("a == b = c != d ! e"), "a == b = c != d ! e NL EOF");
  EXPECT_EQ(showSource("a += b *= c /= d %= e ^= f ~ g ? h ; i"),
            "a += b *= c /= d %= e ^= f ~ g ? h ; i NL EOF");
}

TEST(Lexer, PositionsAreLineAndCodePointColumn) {
  Lexed l = lex("let x = 1\n  \"é😀\" + y");
  ASSERT_EQ(show(l.tokens), "let x = #1 NL \"é😀\" + y NL EOF");
  EXPECT_EQ(l.tokens[0].pos.line, 1u);
  EXPECT_EQ(l.tokens[0].pos.column, 1u);
  EXPECT_EQ(l.tokens[3].pos.column, 9u); // 1
  EXPECT_EQ(l.tokens[5].pos.line, 2u);   // the string
  EXPECT_EQ(l.tokens[5].pos.column, 3u);
  EXPECT_EQ(l.tokens[6].pos.column, 8u);  // `+`: the string is 4 code points wide
  EXPECT_EQ(l.tokens[7].pos.column, 10u); // y
}

TEST(Lexer, UnexpectedCharacters) {
  Lexed l = lex("a @ b\nc é d\ne \x01 f");
  EXPECT_EQ(show(l.tokens), "a ERROR b NL c ERROR d NL e ERROR f NL EOF");
  EXPECT_EQ(l.errors, (std::vector<std::string>{"1:3: unexpected character `@`",
                                                "2:3: unexpected character `é`",
                                                "3:3: unexpected character `0x01`"}));
}

// ---- The newline rule ----

TEST(LexerNewlines, EndStatementAfterNamesLiteralsAndClosers) {
  EXPECT_EQ(showSource("a\nb"), "a NL b NL EOF");
  EXPECT_EQ(showSource("1\n2.5\n\"s\"\ntrue\nfalse\nnull\nthis\nx"),
            "#1 NL #2.5 NL \"s\" NL true NL false NL null NL this NL x NL EOF");
  EXPECT_EQ(showSource("f()\ng[1]\n{}\nx"), "f ( ) NL g [ #1 ] NL { } NL x NL EOF");
  EXPECT_EQ(showSource("return\nbreak\ncontinue\nx"), "return NL break NL continue NL x NL EOF");
}

TEST(LexerNewlines, ContinueAfterOperatorsAndOpeners) {
  EXPECT_EQ(showSource("a +\nb"), "a + b NL EOF");
  EXPECT_EQ(showSource("a &&\nb ||\nc"), "a && b || c NL EOF");
  EXPECT_EQ(showSource("x =\n5"), "x = #5 NL EOF");
  EXPECT_EQ(showSource("let x: int =\n  5"), "let x : int = #5 NL EOF");
  EXPECT_EQ(showSource("a.\nb"), "a . b NL EOF");
  EXPECT_EQ(showSource("c ?\n1 :\n2"), "c ? #1 : #2 NL EOF");
  // A keyword other than return/break/continue does not end a statement either.
  EXPECT_EQ(showSource("if\n(c)"), "if ( c ) NL EOF");
  EXPECT_EQ(showSource("fun f() {\nx\n}"), "fun f ( ) { x NL } NL EOF");
}

TEST(LexerNewlines, BlankLinesAndCommentsGiveOneNewline) {
  EXPECT_EQ(showSource("a\n\n\n   \n// comment\n/* block\n */\nb\n\n"), "a NL b NL EOF");
  EXPECT_EQ(showSource("a // trailing comment\nb"), "a NL b NL EOF");
  EXPECT_EQ(showSource("a + // the operator continues the line\nb"), "a + b NL EOF");
  EXPECT_EQ(showSource("\n\na"), "a NL EOF");
}

TEST(LexerNewlines, NeverInsideParenthesesOrBrackets) {
  EXPECT_EQ(showSource("f(\n  a,\n  b\n)\nx"), "f ( a , b ) NL x NL EOF");
  EXPECT_EQ(showSource("let xs = [\n  1,\n  2\n]\nx"), "let xs = [ #1 , #2 ] NL x NL EOF");
  EXPECT_EQ(showSource("f(g(\na\n)\n)"), "f ( g ( a ) ) NL EOF");
  EXPECT_EQ(showSource("xs[\ni\n]"), "xs [ i ] NL EOF");
}

TEST(LexerNewlines, BracesInsideParenthesesApplyTheRuleAgain) {
  EXPECT_EQ(showSource("f({\na\nb\n}\n)"), "f ( { a NL b NL } ) NL EOF");
  EXPECT_EQ(showSource("{\n(\na\n)\nb\n}"), "{ ( a ) NL b NL } NL EOF");
}

TEST(LexerNewlines, StatementKeywordClosesAnUnclosedParenthesis) {
  // `let` cannot appear inside ( ): the missing `)` is reported on the line that lacks it
  // instead of swallowing the rest of the file.
  Lexed l = lex("f(1, 2\nlet z = 3\nxs[1\nreturn");
  EXPECT_EQ(show(l.tokens), "f ( #1 , #2 NL let z = #3 NL xs [ #1 NL return NL EOF");
  EXPECT_EQ(l.tokens[5].pos.line, 1u);
  // Other words on the next line continue the call.
  EXPECT_EQ(showSource("f(1,\nletter)"), "f ( #1 , letter ) NL EOF");
}

TEST(LexerNewlines, CarriageReturnLineEndings) {
  EXPECT_EQ(showSource("a\r\nb\r\n"), "a NL b NL EOF");
}

TEST(LexerNewlines, SemicolonsAreTokens) { EXPECT_EQ(showSource("a; b;"), "a ; b ; NL EOF"); }

// ---- Integer literals ----

TEST(LexerNumbers, IntegerForms) {
  Lexed l =
      lex("123 0xFF 0xff 0b1010 1_000_000 0 0x7FFF_FFFF_FFFF_FFFF 9223372036854775807 0B11 0X1f");
  EXPECT_TRUE(l.errors.empty());
  EXPECT_EQ(show(l.tokens), "#123 #255 #255 #10 #1000000 #0 #9223372036854775807 "
                            "#9223372036854775807 #3 #31 NL EOF");
}

TEST(LexerNumbers, IntegerOutOfRange) {
  Lexed l = lex("99999999999999999999\n0x8000000000000000\n0x1_0000_0000_0000_0000\n"
                "0b1" +
                std::string(64, '0'));
  EXPECT_EQ(
      l.errors,
      (std::vector<std::string>{
          "1:1: integer literal `99999999999999999999` is out of range for int (64-bit signed)",
          "2:1: integer literal `0x8000000000000000` is out of range for int (64-bit signed)",
          "3:1: integer literal `0x1_0000_0000_0000_0000` is out of range for int (64-bit "
          "signed)",
          "4:1: integer literal `0b1" + std::string(64, '0') +
              "` is out of range for int (64-bit signed)"}));
}

TEST(LexerNumbers, TwoToTheSixtyThreeIsLeftForUnaryMinus) {
  // 9223372036854775808 is only valid as -9223372036854775808; the parser decides.
  Lexed l = lex("9223372036854775808");
  EXPECT_TRUE(l.errors.empty());
  ASSERT_EQ(l.tokens[0].kind, Tok::Int);
  EXPECT_EQ(l.tokens[0].text, "min");
  // One more is out of range whatever precedes it.
  l = lex("-9223372036854775809");
  EXPECT_EQ(l.errors, (std::vector<std::string>{"1:2: integer literal `9223372036854775809` is "
                                                "out of range for int (64-bit signed)"}));
}

TEST(LexerNumbers, BadDigits) {
  Lexed l = lex("0x\n0b\n0b102\n0xFG\n12abc");
  EXPECT_EQ(l.errors, (std::vector<std::string>{
                          "1:1: missing digits after `0x`",
                          "2:1: missing digits after `0b`",
                          "3:5: invalid digit `2` in a binary literal",
                          "4:4: invalid digit `G` in a hexadecimal literal",
                          "5:3: unexpected `a` after a number",
                      }));
}

// ---- Float literals ----

TEST(LexerNumbers, FloatForms) {
  Lexed l = lex("1.5 0.25 1e9 2.5e-3 1_000.5 1E+2 12.5e2 0.0");
  EXPECT_TRUE(l.errors.empty());
  ASSERT_EQ(l.tokens.size(), 10u);
  const double expected[] = {1.5, 0.25, 1e9, 2.5e-3, 1000.5, 100.0, 1250.0, 0.0};
  for (size_t i = 0; i < 8; i++) {
    EXPECT_EQ(l.tokens[i].kind, Tok::Float) << i;
    EXPECT_EQ(l.tokens[i].floatValue, expected[i]) << i;
  }
}

TEST(LexerNumbers, DotAfterIntIsAMemberAccess) {
  EXPECT_EQ(showSource("5.toFloat()"), "#5 . toFloat ( ) NL EOF");
  EXPECT_EQ(showSource("0..10"), "#0 .. #10 NL EOF");
  EXPECT_EQ(showSource("1..=n"), "#1 ..= n NL EOF");
}

TEST(LexerNumbers, FloatNeedsDigitsBeforeTheDot) {
  Lexed l = lex("let x = .5");
  // The hint shows the literal as it should be written.
  EXPECT_EQ(l.errors,
            (std::vector<std::string>{"1:9: a float needs a digit before its dot: write `0.5`"}));
  // But `.5` after a name or a closer is member syntax, left to the parser.
  EXPECT_TRUE(lex("a.5").errors.empty());
}

TEST(LexerNumbers, FloatOutOfRange) {
  Lexed l = lex("1e400 1.5e308 1e-400");
  EXPECT_EQ(l.errors, (std::vector<std::string>{"1:1: float literal `1e400` is out of range"}));
  EXPECT_EQ(l.tokens[1].floatValue, 1.5e308);
  EXPECT_EQ(l.tokens[2].floatValue, 0.0); // underflow to zero is not an error
}

TEST(LexerNumbers, ExponentNeedsDigits) {
  Lexed l = lex("1e");
  EXPECT_EQ(l.errors, (std::vector<std::string>{"1:2: unexpected `e` after a number"}));
}

// ---- Strings ----

TEST(LexerStrings, Escapes) {
  Lexed l = lex(R"("a\nb\tc\rd\0e\\f\"g\$h\u{1F600}\u{e9}\u{41}")");
  EXPECT_TRUE(l.errors.empty());
  ASSERT_EQ(l.tokens[0].kind, Tok::String);
  static const char kExpected[] = "a\nb\tc\rd\0e\\f\"g$h\xF0\x9F\x98\x80\xC3\xA9"
                                  "A";
  EXPECT_EQ(l.tokens[0].text, std::string(kExpected, sizeof kExpected - 1));
}

TEST(LexerStrings, RawUnicodeIsKept) {
  Lexed l = lex("\"é😀 ok\"");
  EXPECT_EQ(l.tokens[0].text, "é😀 ok");
}

TEST(LexerStrings, BadEscapes) {
  Lexed l =
      lex("\"\\q\"\n\"\\u1234\"\n\"\\u{}\"\n\"\\u{1234567}\"\n\"\\u{D800}\"\n\"\\u{110000}\"");
  EXPECT_EQ(l.errors,
            (std::vector<std::string>{
                "1:2: unknown escape sequence `\\q` (valid: \\n \\t \\r \\0 \\\\ \\\" \\$ "
                "\\u{...})",
                "2:2: a unicode escape is written \\u{HEX}, e.g. \\u{1F600}",
                "3:2: a unicode escape is written \\u{HEX} with 1 to 6 hex digits",
                "4:2: a unicode escape is written \\u{HEX} with 1 to 6 hex digits",
                "5:2: \\u{...} must name a Unicode scalar value (not a surrogate, at most 10FFFF)",
                "6:2: \\u{...} must name a Unicode scalar value (not a surrogate, at most 10FFFF)",
            }));
  // Each string is still one token, so the rest of the file lexes normally.
  EXPECT_EQ(show(l.tokens), "\"\" NL \"1234\" NL \"\" NL \"\" NL \"\" NL \"\" NL EOF");
}

TEST(LexerStrings, Unterminated) {
  Lexed l = lex("let s = \"abc\nlet t = 1");
  EXPECT_EQ(l.errors, (std::vector<std::string>{"1:9: unterminated string literal"}));
  EXPECT_EQ(show(l.tokens), "let s = \"abc\" NL let t = #1 NL EOF");
  EXPECT_EQ(lex("\"abc").errors, (std::vector<std::string>{"1:1: unterminated string literal"}));
}

TEST(LexerStrings, Interpolation) {
  Lexed l = lex("\"a ${x + 1} b ${y} c\"");
  EXPECT_TRUE(l.errors.empty());
  EXPECT_EQ(show(l.tokens), "\"a ${ x + #1 } b ${ y } c\" NL EOF");
  EXPECT_EQ(l.tokens[0].kind, Tok::Interpolation);
  EXPECT_EQ(l.tokens[4].kind, Tok::Interpolation);
  EXPECT_EQ(l.tokens[4].intValue, 1);
  EXPECT_EQ(l.tokens[6].kind, Tok::String);
  EXPECT_EQ(l.tokens[6].intValue, 1);
}

TEST(LexerStrings, InterpolationAtTheEdgesAndNested) {
  EXPECT_EQ(showSource("\"${x}\""), "\"${ x }\" NL EOF");
  EXPECT_EQ(showSource("\"${\"in ${y}\"}!\""), "\"${ \"in ${ y }\" }!\" NL EOF");
  // Braces of a block inside the interpolation do not close it.
  EXPECT_EQ(showSource("\"${f({})}\""), "\"${ f ( { } ) }\" NL EOF");
  // `$` not followed by `{` and an escaped `\$` are text.
  Lexed l = lex(R"("cost $5 \${x}")");
  EXPECT_EQ(l.tokens[0].kind, Tok::String);
  EXPECT_EQ(l.tokens[0].text, "cost $5 ${x}");
}

TEST(LexerStrings, InterpolatedStringEndsAStatement) {
  EXPECT_EQ(showSource("\"${x}\"\ny"), "\"${ x }\" NL y NL EOF");
}

// ---- Comments ----

TEST(LexerComments, BlockCommentsNest) {
  Lexed l = lex("a /* outer /* inner */ still a comment */ b");
  EXPECT_TRUE(l.errors.empty());
  EXPECT_EQ(show(l.tokens), "a b NL EOF");
  EXPECT_EQ(showSource("/*/**/*/x"), "x NL EOF");
  EXPECT_EQ(showSource("a /* // not a line comment */ b"), "a b NL EOF");
}

TEST(LexerComments, UnterminatedBlockComment) {
  Lexed l = lex("x\n  /* one /* two */ still open");
  EXPECT_EQ(l.errors, (std::vector<std::string>{"2:3: unterminated block comment"}));
  EXPECT_EQ(show(l.tokens), "x NL EOF");
}

TEST(LexerComments, CommentMarkersInsideStringsAreText) {
  Lexed l = lex("\"// not /* a comment\"");
  EXPECT_EQ(l.tokens[0].text, "// not /* a comment");
}

// ---- Encoding ----

TEST(LexerEncoding, ByteOrderMarkIsSkipped) {
  Lexed l = lex("\xEF\xBB\xBFlet x = 1");
  EXPECT_TRUE(l.errors.empty());
  EXPECT_EQ(show(l.tokens), "let x = #1 NL EOF");
  EXPECT_EQ(l.tokens[0].pos.line, 1u);
  EXPECT_EQ(l.tokens[0].pos.column, 1u);
  EXPECT_EQ(l.tokens[1].pos.column, 5u);
}

TEST(LexerEncoding, ByteOrderMarkOnlyAtTheStart) {
  Lexed l = lex("x \xEF\xBB\xBF");
  EXPECT_EQ(l.errors, (std::vector<std::string>{"1:3: unexpected character `\xEF\xBB\xBF`"}));
}

TEST(LexerEncoding, InvalidUtf8IsOneErrorAtItsPosition) {
  Lexed l = lex("let a = 1\nlet b = \"x\xFFy\"\nlet c = \xC3");
  EXPECT_EQ(l.errors, (std::vector<std::string>{
                          "2:11: the file is not valid UTF-8 (byte 0xFF); Nuri source must be "
                          "UTF-8 text"}));
  EXPECT_EQ(show(l.tokens), "EOF");
}

TEST(LexerEncoding, OverlongAndSurrogateEncodingsAreInvalid) {
  // C0 80 is an overlong NUL; ED A0 80 encodes the surrogate U+D800.
  EXPECT_EQ(lex("\"\xC0\x80\"").errors,
            (std::vector<std::string>{"1:2: the file is not valid UTF-8 (byte 0xC0); Nuri "
                                      "source must be UTF-8 text"}));
  EXPECT_EQ(lex("\"\xED\xA0\x80\"").errors,
            (std::vector<std::string>{"1:2: the file is not valid UTF-8 (byte 0xED); Nuri "
                                      "source must be UTF-8 text"}));
}

TEST(Lexer, StringLiteralOverTheBytecodeLimit) {
  // Source files are capped at the same 16 MB when read; text given directly is checked too.
  std::string text = "let s = \"" + std::string((16u << 20) + 1, 'a') + "\"\n";
  EXPECT_EQ(lex(text).errors,
            (std::vector<std::string>{"1:9: a string literal is longer than 16777216 bytes; build "
                                      "longer text at run time (with StringBuilder or repeat)"}));
}

TEST(Diagnostics, AnErrorWithoutAColumnShowsItsWholeLine) {
  SourceFile file("app.nuri", "let a = 1\n  println(a)\n");
  Diagnostics diagnostics(file);
  diagnostics.error({2, 0, 0}, "internal compiler error: something");
  EXPECT_EQ(diagnostics.render(),
            "app.nuri:2: error: internal compiler error: something\n    println(a)\n");
}

} // namespace
} // namespace nuri
