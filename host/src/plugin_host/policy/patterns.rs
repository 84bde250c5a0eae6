//! Command patterns: how a plugin's declared permissions and the operator's grant match
//! RouterOS command paths.
//!
//! A pattern is a path of `/`-separated segments, like the commands it matches:
//!
//! - a literal segment matches itself: `/interface/print` matches only `/interface/print`;
//! - `*` inside a segment matches any run of characters within that one segment:
//!   `/ip/firewall/*/print` matches `/ip/firewall/filter/print` but not
//!   `/ip/firewall/filter/x/print`; `/interface/monitor*` matches `/interface/monitor-traffic`;
//! - a final `**` segment matches one or more remaining segments: `/ip/**` matches
//!   `/ip/address/print` and `/ip/dns/static/add`, but not `/ip` itself; `/**` matches every
//!   command.
//!
//! A pattern *covers* another when every command the second matches is matched by the first;
//! the operator's grant must cover each pattern a plugin declares. The check is exact for
//! literals and `**`, and conservative for `*` inside segments (it never says "covered" when
//! it is not).

/// Why a pattern is malformed.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    let Some(rest) = pattern.strip_prefix('/') else {
        return Err(format!("pattern {pattern:?} does not start with '/'"));
    };
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            return Err(format!("pattern {pattern:?} has an empty path segment"));
        }
        if segment.contains("**") && (*segment != "**" || i + 1 != segments.len()) {
            return Err(format!(
                "pattern {pattern:?}: `**` must be a whole segment at the end"
            ));
        }
        if segment.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("pattern {pattern:?} contains whitespace"));
        }
    }
    Ok(())
}

/// Does `pattern` match the command path `command`? Malformed input never matches.
pub fn matches(pattern: &str, command: &str) -> bool {
    match (segments(pattern), segments(command)) {
        (Some(p), Some(c)) => match_segments(&p, &c, glob_segment),
        _ => false,
    }
}

/// Does `outer` cover `inner`: every command `inner` matches, `outer` matches too?
pub fn covers(outer: &str, inner: &str) -> bool {
    match (segments(outer), segments(inner)) {
        (Some(o), Some(i)) => match_segments(&o, &i, |o, i| {
            // `**` in the inner pattern can be covered only by `**` (handled by the caller).
            i != "**" && glob_segment(o, i)
        }),
        _ => false,
    }
}

/// Is `command` matched by any of `patterns`?
pub fn any_matches(patterns: &[String], command: &str) -> bool {
    patterns.iter().any(|p| matches(p, command))
}

fn segments(path: &str) -> Option<Vec<&str>> {
    let rest = path.strip_prefix('/')?;
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.iter().any(|s| s.is_empty()) {
        return None;
    }
    Some(parts)
}

/// Segment-wise match with a trailing `**` in `pattern` taking one or more remaining
/// segments of `subject`.
fn match_segments(
    pattern: &[&str],
    subject: &[&str],
    segment: impl Fn(&str, &str) -> bool,
) -> bool {
    for (i, p) in pattern.iter().enumerate() {
        if *p == "**" && i + 1 == pattern.len() {
            return subject.len() > i;
        }
        match subject.get(i) {
            Some(s) if segment(p, s) => {}
            _ => return false,
        }
    }
    pattern.len() == subject.len()
}

/// Glob match of one segment: `*` matches any run of characters. When `text` is itself a
/// pattern segment, its `*` can only be consumed by a `*` of `glob`, which makes this the
/// (sound) coverage test as well.
fn glob_segment(glob: &str, text: &str) -> bool {
    let glob = glob.as_bytes();
    let text = text.as_bytes();
    let (mut g, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if g < glob.len() && glob[g] == b'*' {
            backtrack = Some((g, t));
            g += 1;
        } else if g < glob.len() && glob[g] == text[t] && text[t] != b'*' {
            g += 1;
            t += 1;
        } else if let Some((star_g, star_t)) = backtrack {
            g = star_g + 1;
            t = star_t + 1;
            backtrack = Some((star_g, star_t + 1));
        } else {
            return false;
        }
    }
    glob[g..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_patterns_match_only_themselves() {
        assert!(matches("/interface/print", "/interface/print"));
        assert!(!matches("/interface/print", "/interface/set"));
        assert!(!matches("/interface/print", "/interface/print/extra"));
        assert!(!matches("/interface/print", "/interface"));
    }

    #[test]
    fn star_stays_within_one_segment() {
        assert!(matches("/ip/firewall/*/print", "/ip/firewall/filter/print"));
        assert!(matches("/ip/firewall/*/print", "/ip/firewall/nat/print"));
        assert!(!matches(
            "/ip/firewall/*/print",
            "/ip/firewall/filter/x/print"
        ));
        assert!(!matches("/ip/firewall/*/print", "/ip/firewall/print"));
        assert!(matches("/interface/monitor*", "/interface/monitor-traffic"));
        assert!(matches("/interface/monitor*", "/interface/monitor"));
        assert!(!matches("/interface/monitor*", "/interface/print"));
        assert!(matches("/*/print", "/log/print"));
        assert!(!matches("/*/print", "/ip/address/print"));
    }

    #[test]
    fn double_star_takes_the_rest() {
        assert!(matches("/**", "/system/reboot"));
        assert!(matches("/**", "/a"));
        assert!(matches("/ip/**", "/ip/address/print"));
        assert!(matches("/ip/**", "/ip/dns/static/add"));
        assert!(!matches("/ip/**", "/ip"));
        assert!(!matches("/ip/**", "/ipv6/address/print"));
    }

    #[test]
    fn malformed_input_never_matches() {
        assert!(!matches("/**", "system/reboot"));
        assert!(!matches("/**", "/system//reboot"));
        assert!(!matches("/**", ""));
        assert!(!matches("interface/print", "interface/print"));
    }

    #[test]
    fn pattern_syntax_is_checked() {
        assert!(check_pattern("/interface/print").is_ok());
        assert!(check_pattern("/ip/firewall/*/print").is_ok());
        assert!(check_pattern("/**").is_ok());
        assert!(check_pattern("interface").is_err());
        assert!(check_pattern("/a//b").is_err());
        assert!(check_pattern("/**/print").is_err());
        assert!(check_pattern("/a**").is_err());
        assert!(check_pattern("/a b").is_err());
    }

    #[test]
    fn coverage_is_sound() {
        assert!(covers("/**", "/**"));
        assert!(covers("/**", "/system/reboot"));
        assert!(covers("/ip/**", "/ip/firewall/*/print"));
        assert!(covers("/ip/**", "/ip/dns/**"));
        assert!(covers("/ip/firewall/*/print", "/ip/firewall/filter/print"));
        assert!(covers("/interface/*", "/interface/monitor*"));
        assert!(covers("/interface/mon*", "/interface/monitor*"));
        assert!(!covers("/interface/print", "/interface/*"));
        assert!(!covers("/ip/**", "/**"));
        assert!(!covers("/ip/*", "/ip/**"));
        assert!(!covers("/interface/monitor*", "/interface/*"));
        assert!(!covers("/ip/**", "/ipv6/address/print"));
        assert!(!covers("/ip/firewall/*/print", "/ip/firewall/*/add"));
    }
}
