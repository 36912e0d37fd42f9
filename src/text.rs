//! Substring search by plain byte comparison. The patterns searched for are a few ASCII bytes and
//! the texts short (headers, dates, messages): the standard library's two-way searcher would cost
//! the module 1.4 KB for no measurable speed.

/// Where `pat` first occurs in `s`, as `str::find` finds it (an empty `pat` at 0).
pub(crate) fn find(s: &str, pat: &str) -> Option<usize> {
    if pat.is_empty() {
        return Some(0);
    }
    s.as_bytes()
        .windows(pat.len())
        .position(|w| w == pat.as_bytes())
}

/// Where `pat` last occurs in `s`, as `str::rfind` finds it (an empty `pat` at the end).
fn rfind(s: &str, pat: &str) -> Option<usize> {
    if pat.is_empty() {
        return Some(s.len());
    }
    s.as_bytes()
        .windows(pat.len())
        .rposition(|w| w == pat.as_bytes())
}

/// Whether `pat` occurs in `s`.
pub(crate) fn contains(s: &str, pat: &str) -> bool {
    find(s, pat).is_some()
}

/// `s` around the first `pat`, as `str::split_once` splits it.
pub(crate) fn split_once<'a>(s: &'a str, pat: &str) -> Option<(&'a str, &'a str)> {
    let at = find(s, pat)?;
    Some((s.get(..at)?, s.get(at + pat.len()..)?))
}

/// `s` around the last `pat`, as `str::rsplit_once` splits it.
pub(crate) fn rsplit_once<'a>(s: &'a str, pat: &str) -> Option<(&'a str, &'a str)> {
    let at = rfind(s, pat)?;
    Some((s.get(..at)?, s.get(at + pat.len()..)?))
}

/// `parts` joined with `sep`, as `[S]::join` joins them (a loop of pushes: the standard library's
/// join costs the module 1.3 KB for its two instances).
pub(crate) fn join<S: AsRef<str>>(parts: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(part.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_as_the_standard_library_does() {
        for (s, pat) in [
            ("a, expected b, expected c", ", expected "),
            ("Tue, 01 GMT, 12", " GMT, "),
            (" GMT, GMT, x", " GMT, "),
            ("https://h/p://q", "://"),
            ("no match", "://"),
            ("", ", "),
            ("é, ü", ", "),
            ("ab", "abc"),
            ("abc", ""),
            ("", ""),
            ("é", ""),
        ] {
            assert_eq!(split_once(s, pat), s.split_once(pat), "{s:?} {pat:?}");
            assert_eq!(rsplit_once(s, pat), s.rsplit_once(pat), "{s:?} {pat:?}");
            assert_eq!(contains(s, pat), s.contains(pat), "{s:?} {pat:?}");
            assert_eq!(find(s, pat), s.find(pat), "{s:?} {pat:?}");
        }
    }

    #[test]
    fn joins_as_the_standard_library_does() {
        for parts in [&[][..], &["a"], &["a", "", "b"], &["", ""]] {
            assert_eq!(join(parts, ", "), parts.join(", "));
            let owned: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            assert_eq!(join(&owned, "/"), owned.join("/"));
        }
    }
}
