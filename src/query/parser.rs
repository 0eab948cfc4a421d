//! The lexer and parser: query text to a syntax tree, or an error with its column.

use super::fold::fold;
use super::tree::{Field, Node, and};

/// How deeply parentheses may nest (keeps recursion bounded on hostile input).
pub(super) const MAX_DEPTH: usize = 32;

pub(super) const SINCE_HELP: &str = "since: takes a duration like 30m, 2h, 1d";

/// How many different terms (words, phrases, fields, `since:`) a query may have: far
/// more than anyone types, and few enough that the cache's SQL for it, which binds each
/// different value once, stays within SQLite's 32,766 parameters whatever else the
/// search binds (one per source shown). A term repeated costs nothing more.
pub const MAX_TERMS: usize = 20_000;

/// Parses `text` into its syntax tree; `None` for a query without terms.
pub(super) fn parse(text: &str) -> Result<Option<Node>, QueryError> {
    parse_lexed(lex(text, false)?)
}

/// Parses `text` as it is being typed: a quote left open at the end runs to the end,
/// and a phrase it holds is open (its last word may go on: see [`Node::Phrase`]).
pub(super) fn parse_typing(text: &str) -> Result<Option<Node>, QueryError> {
    parse_lexed(lex(text, true)?)
}

fn parse_lexed(tokens: Vec<(Tok, usize)>) -> Result<Option<Node>, QueryError> {
    let mut terms = std::collections::HashSet::new();
    let mut past_bound = None;
    for (token, column) in &tokens {
        // As bound in SQL (a word and a field of the same value share one parameter).
        let term = match token {
            Tok::Word(value) | Tok::Phrase(value, _) | Tok::Field(_, value) => value.clone(),
            Tok::Since(seconds) => format!("since:{seconds}"),
            Tok::Or | Tok::Minus | Tok::Open | Tok::Close => continue,
        };
        if terms.insert(term) && terms.len() == MAX_TERMS + 1 {
            past_bound = Some(*column);
        }
    }
    if let Some(column) = past_bound {
        return Err(error(
            format!(
                "query too long: {} different terms, at most {MAX_TERMS}",
                terms.len()
            ),
            column,
        ));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let nodes = parser.parse_and(None)?;
    Ok(if nodes.is_empty() {
        None
    } else {
        Some(and(nodes))
    })
}

/// Why a query could not be parsed; shown in place of the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at column {column})")]
pub struct QueryError {
    /// What is wrong.
    pub message: String,
    /// 1-based character column where it went wrong.
    pub column: usize,
}

fn error(message: impl Into<String>, column: usize) -> QueryError {
    QueryError {
        message: message.into(),
        column,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    /// The quoted text, and whether its quote was left open (see [`parse_typing`]).
    Phrase(String, bool),
    Field(Field, String),
    Since(i64),
    Or,
    Minus,
    Open,
    Close,
}

/// The error of a quote never closed (`Query::parse_typing` reads past it).
pub(super) const UNCLOSED_QUOTE: &str = "unclosed quote";

pub(super) fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„')
}

fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || is_quote(c)
}

/// Tokens with their 1-based columns. `typing`: a quote left open runs to the end.
fn lex(text: &str, typing: bool) -> Result<Vec<(Tok, usize)>, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            tokens.push((Tok::Open, col));
            i += 1;
        } else if c == ')' {
            tokens.push((Tok::Close, col));
            i += 1;
        } else if is_quote(c) {
            let (body, next, open) = quoted(&chars, i, typing)?;
            tokens.push((Tok::Phrase(body, open), col));
            i = next;
        } else if c == '-' {
            match chars.get(i + 1) {
                Some(&n) if !n.is_whitespace() && n != ')' => {}
                _ => return Err(error("nothing after -", col)),
            }
            tokens.push((Tok::Minus, col));
            i += 1;
        } else {
            let start = i;
            while chars.get(i).is_some_and(|&c| !ends_word(c)) {
                i += 1;
            }
            let word: String = chars.get(start..i).unwrap_or_default().iter().collect();
            let after_minus = matches!(tokens.last(), Some((Tok::Minus, m)) if *m == col - 1);
            let token = if word == "OR" && !after_minus {
                Tok::Or
            } else if let Some((field, value)) = field_prefix(&word) {
                let value = if !value.is_empty() {
                    value.to_string()
                } else if field != "since" && chars.get(i).is_some_and(|&q| is_quote(q)) {
                    // A field's value already matches as a prefix: open or not alike.
                    let (body, next, _) = quoted(&chars, i, typing)?;
                    i = next;
                    body
                } else {
                    String::new()
                };
                match field {
                    "since" => Tok::Since(
                        duration_seconds(&value)
                            .and_then(|seconds| i64::try_from(seconds).ok())
                            .ok_or_else(|| error(SINCE_HELP, col))?,
                    ),
                    _ if value.trim().is_empty() => {
                        return Err(error(format!("{field}: needs a value"), col));
                    }
                    "source" => Tok::Field(Field::Source, value),
                    "author" => Tok::Field(Field::Author, value),
                    _ => Tok::Field(Field::Title, value),
                }
            } else {
                Tok::Word(word)
            };
            tokens.push((token, col));
        }
    }
    Ok(tokens)
}

/// Reads a quoted string starting at the quote `chars[open]`; returns its body, the
/// index after the closing quote, and whether the quote was left open (`typing`: it
/// then runs to the end; otherwise that is an error).
fn quoted(chars: &[char], open: usize, typing: bool) -> Result<(String, usize, bool), QueryError> {
    let body_start = open + 1;
    let rest = chars.get(body_start..).unwrap_or_default();
    match rest.iter().position(|&c| is_quote(c)) {
        Some(len) => Ok((rest.iter().take(len).collect(), body_start + len + 1, false)),
        None if typing => Ok((rest.iter().collect(), chars.len(), true)),
        None => Err(error(UNCLOSED_QUOTE, open + 1)),
    }
}

/// `source:x` → `("source", "x")`, for the known prefixes (any case).
fn field_prefix(word: &str) -> Option<(&'static str, &str)> {
    let (prefix, value) = word.split_once(':')?;
    ["source", "author", "title", "since"]
        .into_iter()
        .find(|name| prefix.eq_ignore_ascii_case(name))
        .map(|name| (name, value))
}

/// `90s`, `30m`, `2h`, `1d`, `1w`, or a sequence such as `1h30m`, in seconds: what
/// `since:` takes, and every duration of the config and the command line (one
/// spelling everywhere).
pub fn duration_seconds(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text.chars() {
        if let Some(digit) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(digit))?,
            );
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    match number {
        None if !text.is_empty() => Some(total),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

struct Parser {
    tokens: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

pub(super) const OR_HELP: &str = "OR needs a term on each side";

impl Parser {
    fn peek(&self) -> Option<&(Tok, usize)> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<(Tok, usize)> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    /// Juxtaposed terms up to the end, or up to the `)` closing the `(` at `open`.
    fn parse_and(&mut self, open: Option<usize>) -> Result<Vec<Node>, QueryError> {
        let mut nodes = Vec::new();
        loop {
            match self.peek() {
                None => match open {
                    Some(col) => return Err(error("unclosed (", col)),
                    None => return Ok(nodes),
                },
                Some((Tok::Close, col)) => match open {
                    Some(_) => {
                        self.pos += 1;
                        return Ok(nodes);
                    }
                    None => return Err(error("unmatched )", *col)),
                },
                Some((Tok::Or, col)) => return Err(error(OR_HELP, *col)),
                Some(_) => nodes.push(self.parse_or()?),
            }
        }
    }

    fn parse_or(&mut self) -> Result<Node, QueryError> {
        let mut alternatives = vec![self.parse_unary()?];
        while let Some(&(Tok::Or, col)) = self.peek() {
            self.pos += 1;
            match self.peek() {
                None | Some((Tok::Or | Tok::Close, _)) => return Err(error(OR_HELP, col)),
                Some(_) => alternatives.push(self.parse_unary()?),
            }
        }
        Ok(if alternatives.len() == 1 {
            alternatives.swap_remove(0)
        } else {
            Node::Or(alternatives)
        })
    }

    fn parse_unary(&mut self) -> Result<Node, QueryError> {
        let mut negate = false;
        let mut minus_col = None;
        while let Some(&(Tok::Minus, col)) = self.peek() {
            self.pos += 1;
            negate = !negate;
            minus_col = Some(col);
        }
        let node = self.parse_primary(minus_col)?;
        Ok(if negate {
            Node::Not(Box::new(node))
        } else {
            node
        })
    }

    fn parse_primary(&mut self, minus_col: Option<usize>) -> Result<Node, QueryError> {
        let Some((token, col)) = self.next() else {
            return Err(error("nothing after -", minus_col.unwrap_or(1)));
        };
        match token {
            Tok::Word(word) => Ok(Node::Word(fold(&word))),
            Tok::Phrase(raw, open) => {
                let folded = fold(&raw);
                let mut words: Vec<String> = folded
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
                let display = folded.split_whitespace().collect::<Vec<_>>().join(" ");
                if words.is_empty() {
                    if display.is_empty() {
                        return Err(error("empty quotes", col));
                    }
                    // Only punctuation: match it literally.
                    return Ok(Node::Word(display));
                }
                if open && words.len() == 1 {
                    // One word still being typed: what a bare word matches.
                    return Ok(Node::Word(words.swap_remove(0)));
                }
                Ok(Node::Phrase {
                    words,
                    display,
                    open,
                })
            }
            Tok::Field(field, value) => Ok(Node::Field(field, fold(&value))),
            Tok::Since(seconds) => Ok(Node::Since(seconds)),
            Tok::Open => {
                if self.depth >= MAX_DEPTH {
                    return Err(error("too many nested parentheses", col));
                }
                self.depth += 1;
                let nodes = self.parse_and(Some(col))?;
                self.depth -= 1;
                if nodes.is_empty() {
                    return Err(error("empty ( )", col));
                }
                Ok(and(nodes))
            }
            Tok::Or => Err(error(OR_HELP, col)),
            Tok::Close | Tok::Minus => Err(error("nothing after -", minus_col.unwrap_or(col))),
        }
    }
}
