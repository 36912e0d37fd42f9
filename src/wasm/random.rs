//! The `amz-sdk-invocation-id` of each call: a UUID v4 from the host's random source, drawn in
//! batches.

use std::cell::RefCell;

/// Random bytes for invocation ids, drawn from the host 1 KiB at a time: one
/// `crypto.getRandomValues` per 64 calls instead of one per call.
struct RandomPool {
    bytes: [u8; 1024],
    used: usize,
}

thread_local! {
    static POOL: RefCell<RandomPool> = const {
        RefCell::new(RandomPool { bytes: [0; 1024], used: 1024 })
    };
}

/// A fresh `amz-sdk-invocation-id` (a UUID v4). Without a random source the id is all zeros: it is
/// telemetry, not a secret.
pub(crate) fn new_invocation_id() -> String {
    let random = POOL.with(|pool| {
        // `crypto.getRandomValues` is JavaScript: should it call the client again, the nested
        // call's id is all zeros rather than a second borrow.
        let Ok(mut pool) = pool.try_borrow_mut() else {
            return [0u8; 16];
        };
        if pool.used + 16 > pool.bytes.len() {
            if getrandom::fill(&mut pool.bytes).is_err() {
                pool.bytes = [0; 1024];
            }
            pool.used = 0;
        }
        let mut out = [0u8; 16];
        out.copy_from_slice(&pool.bytes[pool.used..pool.used + 16]);
        pool.used += 16;
        out
    });
    crate::retry::invocation_id(random)
}
