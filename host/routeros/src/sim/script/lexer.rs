//! Splitting RouterOS script text into tokens, each with its line and column and whether it
//! touches the token before it (`comment="x"` is one argument, `comment= "x"` is not).
//!
//! Tokens: bare words, double-quoted strings (escapes `\"` `\\` `\$` `\?` `\_` (space) `\n`
//! `\r` `\t` `\a` `\b` `\f` `\v`, `\XX` hex bytes, `$variables` inside), `$variables`, `=`,
//! `{` `}` `[` `]`, and command ends (newline or `;`). A `#` where a command starts begins a
//! comment to the end of the line; a `\` at the end of a line continues it. Text is bytes: a
//! value may hold bytes that are not UTF-8.

use super::ScriptError;

/// A piece of a quoted string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(Vec<u8>),
    Var(String),
}

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Word(Vec<u8>),
    Str(Vec<Part>),
    Var(String),
    Eq,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    End,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
    /// No space, comment or line break between this token and the one before.
    pub glued: bool,
}

/// Bytes that end a bare word.
fn ends_word(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\"$={}[];()\\".contains(&b)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    /// Offset where the current line starts (for columns).
    line_start: usize,
    tokens: Vec<Token>,
    /// Offset just after the last token (to tell whether the next one touches it).
    last_end: Option<usize>,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn col(&self, at: usize) -> u32 {
        u32::try_from(at.saturating_sub(self.line_start) + 1).unwrap_or(u32::MAX)
    }

    fn error(&self, at: usize, message: impl Into<String>) -> ScriptError {
        ScriptError::syntax(message, self.line, self.col(at))
    }

    fn newline(&mut self) {
        self.line = self.line.saturating_add(1);
        self.line_start = self.pos;
    }

    fn push(&mut self, tok: Tok, start: usize, line: u32, col: u32) {
        let glued = self.last_end == Some(start);
        self.tokens.push(Token {
            tok,
            line,
            col,
            glued,
        });
        self.last_end = Some(self.pos);
    }

    /// Whether a command may start here (so `#` begins a comment).
    fn at_command_start(&self, start: usize) -> bool {
        match self.tokens.last() {
            None => true,
            Some(t) => self.last_end != Some(start) && matches!(t.tok, Tok::End | Tok::LBrace),
        }
    }

    fn run(&mut self) -> Result<(), ScriptError> {
        while let Some(b) = self.peek(0) {
            let (start, line, col) = (self.pos, self.line, self.col(self.pos));
            match b {
                b'\n' => {
                    self.pos += 1;
                    self.push(Tok::End, start, line, col);
                    self.newline();
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' => {
                    // A line continuation: `\` then the line break.
                    let skip = match (self.peek(1), self.peek(2)) {
                        (Some(b'\n'), _) => 2,
                        (Some(b'\r'), Some(b'\n')) => 3,
                        _ => return Err(self.error(start, "unexpected \\")),
                    };
                    self.pos += skip;
                    self.newline();
                }
                b'#' if self.at_command_start(start) => {
                    while self.peek(0).is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                b';' => self.single(Tok::End, start, line, col),
                b'=' => self.single(Tok::Eq, start, line, col),
                b'{' => self.single(Tok::LBrace, start, line, col),
                b'}' => self.single(Tok::RBrace, start, line, col),
                b'[' => self.single(Tok::LBracket, start, line, col),
                b']' => self.single(Tok::RBracket, start, line, col),
                b'(' | b')' => {
                    return Err(self.error(start, "expressions in parentheses are not supported"));
                }
                b'"' => {
                    self.pos += 1;
                    let parts = self.string(start)?;
                    self.push(Tok::Str(parts), start, line, col);
                }
                b'$' => {
                    self.pos += 1;
                    let name = self.var_name(start)?;
                    self.push(Tok::Var(name), start, line, col);
                }
                _ => {
                    while self.peek(0).is_some_and(|b| !ends_word(b)) {
                        self.pos += 1;
                    }
                    let word = self.src[start..self.pos].to_vec();
                    self.push(Tok::Word(word), start, line, col);
                }
            }
        }
        Ok(())
    }

    fn single(&mut self, tok: Tok, start: usize, line: u32, col: u32) {
        self.pos += 1;
        self.push(tok, start, line, col);
    }

    /// A variable name after `$`.
    fn var_name(&mut self, dollar: usize) -> Result<String, ScriptError> {
        let start = self.pos;
        while self.peek(0).is_some_and(is_name_byte) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.error(dollar, "expected a variable name after $"));
        }
        Ok(String::from_utf8_lossy(&self.src[start..self.pos]).into_owned())
    }

    /// The rest of a quoted string, after its opening `"`.
    fn string(&mut self, open: usize) -> Result<Vec<Part>, ScriptError> {
        let (open_line, open_col) = (self.line, self.col(open));
        let mut parts = Vec::new();
        let mut text = Vec::new();
        loop {
            let Some(b) = self.peek(0) else {
                return Err(ScriptError::syntax(
                    "unterminated string",
                    open_line,
                    open_col,
                ));
            };
            let at = self.pos;
            self.pos += 1;
            match b {
                b'"' => break,
                b'\n' => {
                    text.push(b'\n');
                    self.newline();
                }
                b'$' => {
                    let name = self.var_name(at)?;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Var(name));
                }
                b'\\' => self.escape(at, &mut text)?,
                b => text.push(b),
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(parts)
    }

    /// One escape sequence after `\` inside a string.
    fn escape(&mut self, at: usize, text: &mut Vec<u8>) -> Result<(), ScriptError> {
        let Some(b) = self.peek(0) else {
            return Err(self.error(at, "unterminated string"));
        };
        self.pos += 1;
        let byte = match b {
            b'"' | b'\\' | b'$' | b'?' => b,
            b'_' => b' ',
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'a' => 0x07,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'v' => 0x0b,
            b'\n' | b'\r' => {
                // A continued line: the break and the next line's indent are left out.
                if b == b'\r' && self.peek(0) == Some(b'\n') {
                    self.pos += 1;
                }
                self.newline();
                while matches!(self.peek(0), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
                return Ok(());
            }
            h if h.is_ascii_hexdigit() && self.peek(0).is_some_and(|l| l.is_ascii_hexdigit()) => {
                let pair = [h, self.peek(0).unwrap_or(b'0')];
                self.pos += 1;
                std::str::from_utf8(&pair)
                    .ok()
                    .and_then(|p| u8::from_str_radix(p, 16).ok())
                    .ok_or_else(|| self.error(at, "bad escape"))?
            }
            other => {
                return Err(self.error(
                    at,
                    format!("unknown escape \\{}", char::from(other).escape_default()),
                ));
            }
        };
        text.push(byte);
        Ok(())
    }
}

/// The tokens of `src`, or the first lexical error with its position.
pub fn tokenize(src: &[u8]) -> Result<Vec<Token>, ScriptError> {
    let mut lx = Lexer {
        src,
        pos: 0,
        line: 1,
        line_start: 0,
        tokens: Vec::new(),
        last_end: None,
    };
    lx.run()?;
    Ok(lx.tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src.as_bytes())
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    fn word(w: &str) -> Tok {
        Tok::Word(w.as_bytes().to_vec())
    }

    fn text(t: &[u8]) -> Part {
        Part::Text(t.to_vec())
    }

    #[test]
    fn words_strings_and_glue() {
        let t = tokenize(b"add comment=\"a b\" x").unwrap();
        let kinds: Vec<&Tok> = t.iter().map(|t| &t.tok).collect();
        assert_eq!(
            kinds,
            [
                &word("add"),
                &word("comment"),
                &Tok::Eq,
                &Tok::Str(vec![text(b"a b")]),
                &word("x")
            ]
        );
        let glued: Vec<bool> = t.iter().map(|t| t.glued).collect();
        assert_eq!(glued, [false, false, true, true, false]);
        assert_eq!((t[4].line, t[4].col), (1, 19));
    }

    #[test]
    fn escapes_and_variables() {
        assert_eq!(
            toks(r#""q\"b\\d\$n\n\r\t\?\_\41\e9$v!""#),
            [Tok::Str(vec![
                text(b"q\"b\\d$n\n\r\t? A\xe9"),
                Part::Var("v".into()),
                text(b"!")
            ])]
        );
        assert_eq!(toks("$x"), [Tok::Var("x".into())]);
        assert_eq!(toks(r#""""#), [Tok::Str(vec![text(b"")])]);
    }

    #[test]
    fn comments_separators_and_continuations() {
        assert_eq!(
            toks("# c\n/ip\tfirewall ; a#b\n  # indented\n{ # after brace\n}"),
            [
                Tok::End,
                word("/ip"),
                word("firewall"),
                Tok::End,
                word("a#b"),
                Tok::End,
                Tok::End,
                Tok::LBrace,
                Tok::End,
                Tok::RBrace
            ]
        );
        assert_eq!(
            toks("add \\\n  x=1"),
            [word("add"), word("x"), Tok::Eq, word("1")]
        );
        assert_eq!(
            toks("c=\"ab\\\n    cd\""),
            [word("c"), Tok::Eq, Tok::Str(vec![text(b"abcd")])]
        );
        let t = tokenize(b"a\nb\r\nc").unwrap();
        assert_eq!(t.last().map(|t| (t.line, t.col)), Some((3, 1)));
    }

    #[test]
    fn errors_say_where() {
        for (src, line, col, what) in [
            ("a\n  b \"open", 2, 5, "unterminated string"),
            ("x \\q", 1, 3, "unexpected \\"),
            ("\"\\z\"", 1, 2, "unknown escape \\z"),
            ("a $ b", 1, 3, "expected a variable name"),
            ("a (1+2)", 1, 3, "parentheses"),
        ] {
            let e = tokenize(src.as_bytes()).unwrap_err();
            assert_eq!((e.line, e.column), (line, col), "{src:?}: {e}");
            assert!(e.message.contains(what), "{src:?}: {e}");
        }
    }
}
