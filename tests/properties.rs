//! The fuzz harnesses (`src/fuzzing.rs`) run by `cargo test`: on the seed corpora in
//! `fuzz/seeds/`, then on seeded pseudo-random mutations of them, so the harnesses are exercised
//! on every run and cannot rot. Long runs use libFuzzer: `npm run fuzz`.

use std::fs;
use std::path::Path;

use agentcore_identity_edge::fuzzing::HARNESSES;

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"\\u",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"%",
    b"%2",
    b"&",
    b"=",
    b"#",
    b"state",
    b"session_id",
    b"error",
    b"urn:ietf:params:oauth:request_uri:",
    b"\xff",
    b"\xe2\x98\x83",
    b"\\ud800",
    b"1e999",
    b"-0",
    b"__type",
    b"$metadata",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(4) {
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                let j = (i + rng.below(16)).min(v.len());
                v.drain(i..j);
            }
            2 => {
                let i = rng.below(v.len() + 1);
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                v.splice(i..i, piece.iter().copied());
            }
            3 if !v.is_empty() => {
                let i = rng.below(v.len());
                let j = (i + rng.below(32)).min(v.len());
                let copy = v[i..j].to_vec();
                let at = rng.below(v.len() + 1);
                v.splice(at..at, copy);
            }
            _ => v.truncate(rng.below(v.len() + 1)),
        }
    }
    v
}

fn seeds(name: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(name);
    let mut out: Vec<Vec<u8>> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds for {name}");
    out
}

#[test]
fn harnesses_hold_on_seeds_and_mutations() {
    for (name, harness) in HARNESSES {
        let corpus = seeds(name);
        for seed in &corpus {
            harness(seed);
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
        for _ in 0..20_000 {
            let seed = &corpus[rng.below(corpus.len())];
            harness(&mutate(&mut rng, seed));
        }
    }
}
