//! Native tests of [`Arena`]: alignment, taking memory back, growing in place, the `System`
//! fallback, and a long random mix of operations checked byte by byte.

use super::*;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// Fill a block with a pattern derived from `seed`.
unsafe fn fill(ptr: *mut u8, size: usize, seed: u8) {
    for i in 0..size {
        unsafe { ptr.add(i).write(seed.wrapping_add(i as u8)) };
    }
}

/// Whether a block still holds the pattern of `seed` in its first `size` bytes.
unsafe fn holds(ptr: *const u8, size: usize, seed: u8) -> bool {
    (0..size).all(|i| unsafe { ptr.add(i).read() } == seed.wrapping_add(i as u8))
}

#[test]
fn blocks_are_aligned_and_inside_the_buffer() {
    let arena = Box::new(Arena::<8192>::new());
    for align in [1, 2, 4, 8, 16, 64, 1024] {
        let l = layout(3, align);
        let ptr = unsafe { arena.alloc(l) };
        assert!(arena.owns(ptr), "align {align}");
        assert_eq!(ptr as usize % align, 0, "align {align}");
        unsafe { fill(ptr, 3, 7) };
    }
    assert!(arena.used() <= 8192);
    assert!(!arena.owns(std::ptr::null()));
}

#[test]
fn freeing_the_last_block_takes_its_space_back() {
    let arena = Box::new(Arena::<4096>::new());
    let a = unsafe { arena.alloc(layout(10, 1)) };
    let after_a = arena.used();
    let b = unsafe { arena.alloc(layout(100, 8)) };
    assert!(arena.used() >= after_a + 100);
    unsafe { arena.dealloc(b, layout(100, 8)) };
    assert_eq!(
        arena.used(),
        16,
        "the last block rolls back (to its aligned start)"
    );
    let c = unsafe { arena.alloc(layout(100, 8)) };
    assert_eq!(c, b, "its space is handed out again");
    unsafe { arena.dealloc(a, layout(10, 1)) };
    assert_eq!(
        arena.used(),
        after_a + 6 + 100,
        "an older block stays until all are free"
    );
    unsafe { arena.dealloc(c, layout(100, 8)) };
    assert_eq!(arena.used(), 0, "nothing live: the arena is empty again");
}

#[test]
fn the_last_block_grows_and_shrinks_in_place_others_move() {
    let arena = Box::new(Arena::<4096>::new());
    let a = unsafe { arena.alloc(layout(16, 8)) };
    unsafe { fill(a, 16, 1) };
    let grown = unsafe { arena.realloc(a, layout(16, 8), 1000) };
    assert_eq!(grown, a);
    assert_eq!(arena.used(), 1000);
    let shrunk = unsafe { arena.realloc(a, layout(1000, 8), 40) };
    assert_eq!((shrunk, arena.used()), (a, 40));
    let b = unsafe { arena.alloc(layout(8, 8)) };
    let moved = unsafe { arena.realloc(a, layout(40, 8), 80) };
    assert_ne!(moved, a);
    assert!(arena.owns(moved));
    assert!(unsafe { holds(moved, 16, 1) }, "contents copied");
    let kept = unsafe { arena.realloc(b, layout(8, 8), 4) };
    assert_eq!(kept, b, "a shrinking older block stays where it is");
    unsafe {
        arena.dealloc(kept, layout(4, 8));
        arena.dealloc(moved, layout(80, 8));
    }
    assert_eq!(arena.used(), 0);
}

#[test]
fn what_does_not_fit_comes_from_the_system_allocator() {
    let arena = Box::new(Arena::<1024>::new());
    let big = unsafe { arena.alloc(layout(5000, 8)) };
    assert!(!big.is_null() && !arena.owns(big));
    unsafe { fill(big, 5000, 3) };
    let bigger = unsafe { arena.realloc(big, layout(5000, 8), 9000) };
    assert!(!arena.owns(bigger) && unsafe { holds(bigger, 5000, 3) });
    unsafe { arena.dealloc(bigger, layout(9000, 8)) };
    assert_eq!(arena.used(), 0, "system blocks do not touch the arena");

    let a = unsafe { arena.alloc(layout(1000, 8)) };
    assert!(arena.owns(a));
    unsafe { fill(a, 1000, 9) };
    let spill = unsafe { arena.alloc(layout(100, 8)) };
    assert!(!arena.owns(spill), "arena exhausted");
    let moved = unsafe { arena.realloc(a, layout(1000, 8), 2000) };
    assert!(!arena.owns(moved) && unsafe { holds(moved, 1000, 9) });
    assert_eq!(arena.used(), 0, "the moved block was the only one");
    unsafe {
        arena.dealloc(spill, layout(100, 8));
        arena.dealloc(moved, layout(2000, 8));
    }
}

#[test]
fn extreme_sizes_and_alignments_fail_cleanly() {
    let arena = Box::new(Arena::<1024>::new());
    let huge = layout(isize::MAX as usize - 4096, 1);
    assert!(unsafe { arena.alloc(huge) }.is_null());
    let l = layout(8, 1 << 20);
    let aligned = unsafe { arena.alloc(l) };
    if !aligned.is_null() {
        assert_eq!(aligned as usize % (1 << 20), 0);
        unsafe { arena.dealloc(aligned, l) };
    }
    let a = unsafe { arena.alloc(layout(8, 8)) };
    assert!(unsafe { arena.realloc(a, layout(8, 8), isize::MAX as usize - 4096) }.is_null());
    unsafe { arena.dealloc(a, layout(8, 8)) };
    assert_eq!(arena.used(), 0);
    let zero = arena.bump(layout(0, 1)).unwrap();
    assert!(arena.owns(zero), "a zero-size block is still inside");
    let full = unsafe { arena.alloc(layout(1024, 1)) };
    assert!(arena.owns(full) && arena.used() == 1024);
    assert!(
        arena.bump(layout(0, 1)).is_none(),
        "not even zero bytes past the end"
    );
}

/// A small deterministic pseudo-random sequence (xorshift).
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_mix_keeps_every_block_intact() {
    let arena = Box::new(Arena::<65536>::new());
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    // (ptr, layout, seed) of each live block.
    let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
    let (mut from_arena, mut from_system) = (0, 0);
    for step in 0..20_000 {
        let seed = step as u8;
        match random.below(10) {
            0..=4 => {
                let max = if random.below(20) == 0 { 40_000 } else { 300 };
                let size = 1 + random.below(max);
                let l = layout(size, 1 << random.below(6));
                let ptr = unsafe { arena.alloc(l) };
                assert!(!ptr.is_null());
                assert_eq!(ptr as usize % l.align(), 0);
                if arena.owns(ptr) {
                    from_arena += 1;
                } else {
                    from_system += 1;
                }
                unsafe { fill(ptr, size, seed) };
                live.push((ptr, l, seed));
            }
            5..=7 if !live.is_empty() => {
                // Mostly the newest block, sometimes any.
                let i = if random.below(2) == 0 {
                    live.len() - 1
                } else {
                    random.below(live.len())
                };
                let (ptr, l, seed) = live.swap_remove(i);
                assert!(unsafe { holds(ptr, l.size(), seed) }, "step {step}");
                unsafe { arena.dealloc(ptr, l) };
            }
            _ if !live.is_empty() => {
                let i = live.len() - 1 - random.below(live.len().min(3));
                let (ptr, l, seed) = live[i];
                let new_size = 1 + random.below(2 * l.size() + 64);
                let new = unsafe { arena.realloc(ptr, l, new_size) };
                assert!(!new.is_null());
                assert!(
                    unsafe { holds(new, l.size().min(new_size), seed) },
                    "step {step}"
                );
                unsafe { fill(new, new_size, seed) };
                live[i] = (new, layout(new_size, l.align()), seed);
            }
            _ => {}
        }
        if step % 1000 == 999 {
            for &(ptr, l, seed) in &live {
                assert!(unsafe { holds(ptr, l.size(), seed) }, "step {step}");
            }
        }
    }
    assert!(
        from_arena > 100 && from_system > 100,
        "both paths exercised: {from_arena} from the arena, {from_system} from the system"
    );
    for (ptr, l, _) in live {
        unsafe { arena.dealloc(ptr, l) };
    }
    assert_eq!(arena.used(), 0);
}
