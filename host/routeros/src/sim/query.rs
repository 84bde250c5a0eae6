//! Print filters of the RouterOS API: query words (`?name=value`, `?-name`, `?<`, `?>`, the
//! `?#` stack operators) compiled once per command, and `.proplist` field selection.
//!
//! Semantics (MikroTik API documentation): every query word pushes one boolean on a stack;
//! `?#` words run stack operations (`|` or, `&` and, `!` not, `.` duplicate top, a number
//! pushes a copy of the value at that index from the bottom). An item matches when every value
//! left on the stack is true (an empty stack matches everything).

use super::row::FlatRow;
use std::cmp::Ordering;

/// One compiled query word.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Has(Vec<u8>),
    Lacks(Vec<u8>),
    Equal(Vec<u8>, Vec<u8>),
    Less(Vec<u8>, Vec<u8>),
    Greater(Vec<u8>, Vec<u8>),
    Ops(Vec<Op>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Or,
    And,
    Not,
    Dup,
    Copy(usize),
}

/// A compiled query; evaluate it with [`Query::matches`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    steps: Vec<Step>,
}

/// Why a query word is not valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown query operation {0:?}")]
pub struct QueryError(pub String);

fn split_eq(body: &[u8]) -> (Vec<u8>, Vec<u8>) {
    match body.iter().position(|&b| b == b'=') {
        Some(i) => (body[..i].to_vec(), body[i + 1..].to_vec()),
        None => (body.to_vec(), Vec::new()),
    }
}

fn parse_ops(ops: &[u8]) -> Result<Vec<Op>, QueryError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ops.len() {
        let c = ops[i];
        match c {
            b'|' => out.push(Op::Or),
            b'&' => out.push(Op::And),
            b'!' => out.push(Op::Not),
            b'.' => out.push(Op::Dup),
            b'0'..=b'9' => {
                let start = i;
                while i + 1 < ops.len() && ops[i + 1].is_ascii_digit() {
                    i += 1;
                }
                let n = std::str::from_utf8(&ops[start..=i])
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| QueryError(String::from_utf8_lossy(ops).into_owned()))?;
                out.push(Op::Copy(n));
            }
            _ => return Err(QueryError(String::from_utf8_lossy(ops).into_owned())),
        }
        i += 1;
    }
    Ok(out)
}

impl Query {
    /// Compile query words (without their leading `?`).
    pub fn compile<W: AsRef<[u8]>>(words: &[W]) -> Result<Self, QueryError> {
        let mut steps = Vec::with_capacity(words.len());
        for w in words {
            let w = w.as_ref();
            let step = match w.first() {
                Some(b'#') => Step::Ops(parse_ops(&w[1..])?),
                Some(b'-') => Step::Lacks(w[1..].to_vec()),
                Some(b'=') => {
                    let (n, v) = split_eq(&w[1..]);
                    Step::Equal(n, v)
                }
                Some(b'<') => {
                    let (n, v) = split_eq(&w[1..]);
                    Step::Less(n, v)
                }
                Some(b'>') => {
                    let (n, v) = split_eq(&w[1..]);
                    Step::Greater(n, v)
                }
                _ if w.contains(&b'=') => {
                    let (n, v) = split_eq(w);
                    Step::Equal(n, v)
                }
                _ => Step::Has(w.to_vec()),
            };
            steps.push(step);
        }
        Ok(Self { steps })
    }

    /// The query has no words: every item matches.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Whether `row` matches. `stack` is scratch space reused between rows.
    pub fn matches(&self, row: &FlatRow, stack: &mut Vec<bool>) -> bool {
        if self.steps.is_empty() {
            return true;
        }
        stack.clear();
        for step in &self.steps {
            match step {
                Step::Has(n) => stack.push(row.has(n)),
                Step::Lacks(n) => stack.push(!row.has(n)),
                Step::Equal(n, v) => stack.push(row.get(n).is_some_and(|have| equal(have, v))),
                Step::Less(n, v) => {
                    stack.push(row.get(n).is_some_and(|h| compare(h, v) == Ordering::Less))
                }
                Step::Greater(n, v) => stack.push(
                    row.get(n)
                        .is_some_and(|h| compare(h, v) == Ordering::Greater),
                ),
                Step::Ops(ops) => run_ops(ops, stack),
            }
        }
        stack.iter().all(|&b| b)
    }
}

/// Stack operations; a missing operand counts as false (RouterOS does not document it).
fn run_ops(ops: &[Op], stack: &mut Vec<bool>) {
    for op in ops {
        match *op {
            Op::Or | Op::And => {
                let a = stack.pop().unwrap_or(false);
                let b = stack.pop().unwrap_or(false);
                stack.push(if *op == Op::Or { a || b } else { a && b });
            }
            Op::Not => {
                let a = stack.pop().unwrap_or(false);
                stack.push(!a);
            }
            Op::Dup => {
                let a = stack.last().copied().unwrap_or(false);
                stack.push(a);
            }
            Op::Copy(i) => {
                let a = stack.get(i).copied().unwrap_or(false);
                stack.push(a);
            }
        }
    }
}

fn bool_word(v: &[u8]) -> Option<bool> {
    match v {
        b"true" | b"yes" => Some(true),
        b"false" | b"no" => Some(false),
        _ => None,
    }
}

/// Equality as RouterOS applies it: exact bytes, `yes`/`no` equal to `true`/`false`, and
/// item ids compared without regard to hex case.
fn equal(have: &[u8], want: &[u8]) -> bool {
    if have == want {
        return true;
    }
    if let (Some(a), Some(b)) = (bool_word(have), bool_word(want)) {
        return a == b;
    }
    have.first() == Some(&b'*') && have.eq_ignore_ascii_case(want)
}

fn number(v: &[u8]) -> Option<i128> {
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// Order for `?<` / `?>`: numbers numerically, everything else byte-wise.
fn compare(have: &[u8], want: &[u8]) -> Ordering {
    match (number(have), number(want)) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => have.cmp(want),
    }
}

/// `.proplist` selection: the names to keep; `None` keeps every field.
#[derive(Clone, Debug, Default)]
pub struct Proplist {
    names: Option<Vec<Vec<u8>>>,
}

impl Proplist {
    /// From the value of `=.proplist=` (comma separated), or all fields when absent.
    pub fn parse(value: Option<&[u8]>) -> Self {
        Self {
            names: value.map(|v| {
                v.split(|&b| b == b',')
                    .filter(|n| !n.is_empty())
                    .map(<[u8]>::to_vec)
                    .collect()
            }),
        }
    }

    /// Whether a field goes into the reply.
    #[inline]
    pub fn keeps(&self, name: &[u8]) -> bool {
        match &self.names {
            None => true,
            Some(list) => list.iter().any(|n| n == name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<FlatRow> {
        vec![
            FlatRow::from_pairs(&[
                ("name", "ether1"),
                ("type", "ether"),
                ("mtu", "1500"),
                ("comment", "WAN"),
            ]),
            FlatRow::from_pairs(&[("name", "vlan10"), ("type", "vlan"), ("mtu", "1496")]),
            FlatRow::from_pairs(&[
                ("name", "bridge"),
                ("type", "bridge"),
                ("mtu", "9000"),
                ("disabled", "false"),
            ]),
        ]
    }

    fn names(words: &[&str]) -> Vec<String> {
        let q = Query::compile(words).unwrap();
        let mut stack = Vec::new();
        rows()
            .iter()
            .filter(|r| q.matches(r, &mut stack))
            .map(|r| r.get_str("name").unwrap())
            .collect()
    }

    #[test]
    fn simple_words() {
        assert_eq!(names(&["type=ether"]), ["ether1"]);
        assert_eq!(names(&["=type=vlan"]), ["vlan10"]);
        assert_eq!(names(&["comment"]), ["ether1"]);
        assert_eq!(names(&["-comment"]), ["vlan10", "bridge"]);
        assert_eq!(names(&[">mtu=1500"]), ["bridge"]);
        assert_eq!(names(&["<mtu=1500"]), ["vlan10"]);
        assert_eq!(names(&["disabled=no"]), ["bridge"]);
        assert_eq!(names(&[]), ["ether1", "vlan10", "bridge"]);
    }

    #[test]
    fn stack_operations() {
        assert_eq!(
            names(&["type=ether", "type=vlan", "#|"]),
            ["ether1", "vlan10"]
        );
        assert_eq!(names(&["type=ether", "type=vlan", "#|!"]), ["bridge"]);
        assert_eq!(names(&["type=ether", "#!"]), ["vlan10", "bridge"]);
        assert_eq!(names(&["mtu", "type=vlan", "#&"]), ["vlan10"]);
        // Copy index 0 (bottom), or with the top, then drop the original pair by and-ing.
        assert_eq!(names(&["type=bridge", "type=vlan", "#0|"]), ["bridge"]);
        assert!(Query::compile(&["#x"]).is_err());
    }

    #[test]
    fn proplist_selects() {
        let p = Proplist::parse(Some(b".id,name"));
        assert!(p.keeps(b"name") && p.keeps(b".id") && !p.keeps(b"mtu"));
        assert!(Proplist::parse(None).keeps(b"anything"));
    }
}
