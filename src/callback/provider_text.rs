//! The authorization server's own text in a refused callback (`error`, `error_description`):
//! which characters are kept, and how much.

/// Longest `error_description` kept, in characters.
const MAX_ERROR_DESCRIPTION: usize = 256;

/// RFC 6749's `NQSCHAR`: printable ASCII but `"` and `\\`.
pub(super) fn is_nqschar(c: char) -> bool {
    matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e')
}

/// Control and invisible formatting characters: C0/C1 controls, bidirectional embeddings,
/// overrides and isolates, zero-width characters and other `Cf` code points.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{600}'..='\u{605}'
                | '\u{61c}'
                | '\u{6dd}'
                | '\u{70f}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// The provider's description without hidden characters, bounded.
pub(super) fn clean_description(s: &str) -> String {
    s.chars()
        .filter(|&c| !is_hidden(c))
        .take(MAX_ERROR_DESCRIPTION)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_lose_hidden_characters() {
        assert_eq!(
            clean_description("a\u{202e}b\u{2066}c\u{200b}d\ne\u{0}"),
            "abcde"
        );
        assert_eq!(clean_description(&"x".repeat(1000)).len(), 256);
    }
}
