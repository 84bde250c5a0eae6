//! Parsing script tokens into statements: console commands (menu path words, a verb and its
//! arguments, resolved against the router's menus when run), `{ … }` blocks,
//! `:do { … } on-error={ … }`, `:log <level> <message>`, `:delay <time>`, `:local`,
//! `:global`, `:set`, `:put`. An argument is `name=value` or a positional value; a value is
//! glued pieces of bare text, strings, `$variables` and `[ command ]` substitutions. Nesting
//! of blocks and substitutions is bounded, so hostile input cannot exhaust the stack.

use super::ScriptError;
use super::lexer::{Part, Tok, Token, tokenize};

/// Deepest nesting of blocks and substitutions.
pub const MAX_DEPTH: usize = 32;

/// One piece of a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(Vec<u8>),
    Var(String),
    /// `[ command ]`: the command's result.
    Sub(Vec<Word>),
}

/// A value: its pieces, concatenated when evaluated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expr(pub Vec<Piece>);

impl Expr {
    /// The value when it is plain text (no variables or substitutions).
    pub fn literal(&self) -> Option<&[u8]> {
        match self.0.as_slice() {
            [Piece::Text(t)] => Some(t),
            [] => Some(b""),
            _ => None,
        }
    }
}

/// One argument of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Word {
    Positional(Expr),
    Named(String, Expr),
}

/// `:log` topics.
pub const LOG_LEVELS: &[&str] = &["info", "warning", "error", "debug"];

/// What a statement does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Block(Vec<Stmt>),
    Do {
        body: Vec<Stmt>,
        on_error: Option<Vec<Stmt>>,
    },
    Log {
        level: String,
        message: Expr,
    },
    Delay(Expr),
    /// `:local`, `:global` or `:set` (the keyword without `:`), name, value.
    Var(&'static str, String, Option<Expr>),
    Put(Expr),
    /// Menu path words, verb and arguments, as written.
    Command(Vec<Word>),
}

/// A statement and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub line: u32,
    pub kind: Kind,
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += usize::from(t.is_some());
        t
    }

    /// Where the parser stands, for errors (the end of the text after the last token).
    fn here(&self) -> (u32, u32) {
        self.peek()
            .or(self.toks.last())
            .map_or((1, 1), |t| (t.line, t.col))
    }

    fn error(&self, message: impl Into<String>) -> ScriptError {
        let (line, col) = self.here();
        ScriptError::syntax(message, line, col)
    }

    /// Whether the next token exists, touches the previous one and can continue a value.
    fn continues_value(&self) -> bool {
        self.peek().is_some_and(|t| {
            t.glued
                && matches!(
                    t.tok,
                    Tok::Word(_) | Tok::Str(_) | Tok::Var(_) | Tok::LBracket | Tok::Eq
                )
        })
    }

    fn descend(&mut self) -> Result<(), ScriptError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// Statements up to the end of the text, or up to and including `}` when `braced`.
    fn block(&mut self, braced: bool) -> Result<Vec<Stmt>, ScriptError> {
        let mut out = Vec::new();
        loop {
            match self.peek().map(|t| &t.tok) {
                None if braced => return Err(self.error("missing }")),
                None => return Ok(out),
                Some(Tok::End) => {
                    self.pos += 1;
                }
                Some(Tok::RBrace) if braced => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(Tok::RBrace) => return Err(self.error("unexpected }")),
                Some(Tok::RBracket) => return Err(self.error("unexpected ]")),
                Some(_) => {
                    out.push(self.statement()?);
                    match self.peek().map(|t| &t.tok) {
                        None | Some(Tok::End) => {}
                        Some(Tok::RBrace) if braced => {}
                        Some(Tok::RBrace) => return Err(self.error("unexpected }")),
                        Some(Tok::RBracket) => return Err(self.error("unexpected ]")),
                        Some(_) => return Err(self.error("expected end of command")),
                    }
                }
            }
        }
    }

    /// A `{ … }` block, the `{` being next.
    fn braced(&mut self) -> Result<Vec<Stmt>, ScriptError> {
        if self.peek().map(|t| &t.tok) != Some(&Tok::LBrace) {
            return Err(self.error("expected {"));
        }
        self.pos += 1;
        self.descend()?;
        let body = self.block(true)?;
        self.depth -= 1;
        Ok(body)
    }

    fn statement(&mut self) -> Result<Stmt, ScriptError> {
        let (line, col) = self.here();
        let kind = match self.peek().map(|t| t.tok.clone()) {
            Some(Tok::LBrace) => Kind::Block(self.braced()?),
            Some(Tok::Word(w)) if w.starts_with(b":") => {
                self.pos += 1;
                let name = String::from_utf8_lossy(&w[1..]).into_owned();
                self.builtin(&name)?.ok_or_else(|| {
                    ScriptError::syntax(format!("unsupported command :{name}"), line, col)
                })?
            }
            _ => Kind::Command(self.words()?),
        };
        Ok(Stmt { line, kind })
    }

    /// `:name …` commands (`None`: not one the sim knows).
    fn builtin(&mut self, name: &str) -> Result<Option<Kind>, ScriptError> {
        Ok(Some(match name {
            "do" => {
                let body = self.braced()?;
                let on_error = match self.peek().map(|t| &t.tok) {
                    Some(Tok::Word(w)) if w == b"on-error" => {
                        self.pos += 1;
                        if self.next().map(|t| t.tok) != Some(Tok::Eq) {
                            return Err(self.error("expected on-error={ … }"));
                        }
                        Some(self.braced()?)
                    }
                    _ => None,
                };
                Kind::Do { body, on_error }
            }
            "log" => {
                let (line, col) = self.here();
                let level = self.name("a log level")?;
                if !LOG_LEVELS.contains(&level.as_str()) {
                    let msg = format!("unknown log level {level}");
                    return Err(ScriptError::syntax(msg, line, col));
                }
                let message = self.value("a message")?;
                Kind::Log { level, message }
            }
            "delay" => Kind::Delay(self.value("a time")?),
            "put" => Kind::Put(self.value("a value")?),
            "local" | "global" | "set" => {
                let keyword = match name {
                    "local" => "local",
                    "global" => "global",
                    _ => "set",
                };
                let var = self.name("a variable name")?;
                let value = match self.peek().map(|t| &t.tok) {
                    None | Some(Tok::End | Tok::RBrace) => None,
                    _ => Some(self.value("a value")?),
                };
                Kind::Var(keyword, var, value)
            }
            _ => return Ok(None),
        }))
    }

    /// A bare word (`info`, a variable name).
    fn name(&mut self, what: &str) -> Result<String, ScriptError> {
        match self.peek().map(|t| &t.tok) {
            Some(Tok::Word(w)) => {
                let name = String::from_utf8_lossy(w).into_owned();
                self.pos += 1;
                Ok(name)
            }
            _ => Err(self.error(format!("expected {what}"))),
        }
    }

    /// One value argument.
    fn value(&mut self, what: &str) -> Result<Expr, ScriptError> {
        match self.words_one()? {
            Some(Word::Positional(e)) => Ok(e),
            _ => Err(self.error(format!("expected {what}"))),
        }
    }

    /// The arguments of a command, up to its end (`;`, line break, `}` or `]`).
    fn words(&mut self) -> Result<Vec<Word>, ScriptError> {
        let mut out = Vec::new();
        while let Some(w) = self.words_one()? {
            out.push(w);
        }
        Ok(out)
    }

    /// One argument, or `None` at the end of the command.
    fn words_one(&mut self) -> Result<Option<Word>, ScriptError> {
        let Some(tok) = self.peek().map(|t| t.tok.clone()) else {
            return Ok(None);
        };
        match tok {
            Tok::End | Tok::RBrace | Tok::RBracket => Ok(None),
            Tok::Eq => Err(self.error("unexpected =")),
            Tok::LBrace => Err(self.error("unexpected {")),
            Tok::Word(name)
                if self
                    .toks
                    .get(self.pos + 1)
                    .is_some_and(|t| t.glued && t.tok == Tok::Eq) =>
            {
                self.pos += 2;
                let name = String::from_utf8_lossy(&name).into_owned();
                let value = if self.continues_value() {
                    self.expr()?
                } else {
                    Expr::default()
                };
                Ok(Some(Word::Named(name, value)))
            }
            _ => Ok(Some(Word::Positional(self.expr()?))),
        }
    }

    /// Glued pieces of one value.
    fn expr(&mut self) -> Result<Expr, ScriptError> {
        let mut pieces = Vec::new();
        while let Some(t) = self.next() {
            match t.tok {
                Tok::Word(w) => pieces.push(Piece::Text(w)),
                Tok::Eq => pieces.push(Piece::Text(b"=".to_vec())),
                Tok::Var(v) => pieces.push(Piece::Var(v)),
                Tok::Str(parts) => pieces.extend(parts.into_iter().map(|p| match p {
                    Part::Text(t) => Piece::Text(t),
                    Part::Var(v) => Piece::Var(v),
                })),
                Tok::LBracket => {
                    self.descend()?;
                    let words = self.words()?;
                    if self.next().map(|t| t.tok) != Some(Tok::RBracket) {
                        return Err(self.error("missing ]"));
                    }
                    self.depth -= 1;
                    pieces.push(Piece::Sub(words));
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.error("unexpected token"));
                }
            }
            if !self.continues_value() {
                break;
            }
        }
        Ok(Expr(merge_text(pieces)))
    }
}

/// Adjacent text pieces as one.
fn merge_text(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (out.last_mut(), p) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.extend_from_slice(&b),
            (_, p) => out.push(p),
        }
    }
    out
}

/// Parse a whole script.
pub fn parse(src: &[u8]) -> Result<Vec<Stmt>, ScriptError> {
    let mut p = Parser {
        toks: tokenize(src)?,
        pos: 0,
        depth: 0,
    };
    p.block(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Expr {
        Expr(vec![Piece::Text(t.as_bytes().to_vec())])
    }

    fn pos(t: &str) -> Word {
        Word::Positional(text(t))
    }

    #[test]
    fn commands_and_arguments() {
        let s =
            parse(b"/ip firewall filter add chain=forward comment=\"a $x\" disabled=\n").unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].kind,
            Kind::Command(vec![
                pos("/ip"),
                pos("firewall"),
                pos("filter"),
                pos("add"),
                Word::Named("chain".into(), text("forward")),
                Word::Named(
                    "comment".into(),
                    Expr(vec![Piece::Text(b"a ".to_vec()), Piece::Var("x".into())])
                ),
                Word::Named("disabled".into(), Expr::default()),
            ])
        );
    }

    #[test]
    fn substitutions_blocks_and_builtins() {
        let src = "# revert\n/ip firewall filter\nremove [find where comment=\"x\"]; \
                   :do { :log warning \"w\" } on-error={ :delay 1s }\n{ :local a 1 }";
        let s = parse(src.as_bytes()).unwrap();
        let lines: Vec<u32> = s.iter().map(|s| s.line).collect();
        assert_eq!(lines, [2, 3, 3, 4]);
        assert_eq!(
            s[1].kind,
            Kind::Command(vec![
                pos("remove"),
                Word::Positional(Expr(vec![Piece::Sub(vec![
                    pos("find"),
                    pos("where"),
                    Word::Named("comment".into(), text("x")),
                ])]))
            ])
        );
        let Kind::Do { body, on_error } = &s[2].kind else {
            panic!("{:?}", s[2])
        };
        assert_eq!(
            body[0].kind,
            Kind::Log {
                level: "warning".into(),
                message: text("w")
            }
        );
        assert_eq!(on_error.as_ref().unwrap()[0].kind, Kind::Delay(text("1s")));
        let Kind::Block(inner) = &s[3].kind else {
            panic!()
        };
        assert_eq!(
            inner[0].kind,
            Kind::Var("local", "a".into(), Some(text("1")))
        );
    }

    #[test]
    fn errors_carry_line_and_column() {
        for (src, line, col, what) in [
            ("add\n:log loud \"x\"", 2, 6, "unknown log level"),
            ("{ add\n", 1, 6, "missing }"),
            ("add x=[find", 1, 8, "missing ]"),
            ("a ]", 1, 3, "unexpected ]"),
            ("}", 1, 1, "unexpected }"),
            (":if (1) do={}", 1, 5, "parentheses"),
            (
                "\n  :foreach i in=x do={}",
                2,
                3,
                "unsupported command :foreach",
            ),
            ("add = 1", 1, 5, "unexpected ="),
            (":do { } x", 1, 9, "expected end of command"),
            ("add x={ }", 1, 7, "unexpected {"),
        ] {
            let e = parse(src.as_bytes()).unwrap_err();
            assert!(e.message.contains(what), "{src:?}: {e}");
            assert_eq!((e.line, e.column), (line, col), "{src:?}: {e}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "{".repeat(MAX_DEPTH + 1) + &"}".repeat(MAX_DEPTH + 1);
        assert!(
            parse(deep.as_bytes())
                .unwrap_err()
                .message
                .contains("nesting")
        );
        let ok = "{".repeat(MAX_DEPTH) + &"}".repeat(MAX_DEPTH);
        assert!(parse(ok.as_bytes()).is_ok());
        let subs = "x=".to_string() + &"[".repeat(100_000);
        assert!(parse(subs.as_bytes()).is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_fails_cleanly(src in proptest::collection::vec(
            proptest::sample::select(b"ab =\"$[]{};#\\\n:/*,.-0_xy".to_vec()), 0..80)) {
            let _ = parse(&src);
        }
    }
}
