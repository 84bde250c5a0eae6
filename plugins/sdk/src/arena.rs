//! [`Arena`]: the bump allocator every plugin uses as its global allocator inside the host.
//!
//! A plugin instance is created for one call and thrown away afterwards, so freeing memory
//! carefully is wasted work: the arena hands out blocks from a fixed static buffer by bumping
//! an offset. It still takes memory back where that is free to do:
//!
//! - freeing the most recent block (its end is the offset) moves the offset back, so
//!   short-lived temporaries and stack-like use cost nothing;
//! - growing or shrinking the most recent block happens in place (a `String` or `Vec` being
//!   filled is usually the most recent block);
//! - when every block is freed, the whole arena is free again.
//!
//! When a block does not fit in what is left, it comes from [`System`] (dlmalloc inside a
//! component) instead, and freeing or growing such a block goes back to [`System`]. So big
//! outputs still work, and the memory an arena can waste is bounded by its size.
//!
//! Inside a wasm32 component the SDK installs `Arena<ARENA_SIZE>` as `#[global_allocator]`
//! (a plugin must not install another one). Elsewhere the type is plain, so it can be tested
//! and benchmarked natively. Its state sits behind a spin lock, so it is sound even where
//! threads exist; in a component (one thread, no atomics) the lock is a plain load and store.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::hint::spin_loop;
use std::sync::atomic::{AtomicBool, Ordering};

/// Size of the arena the SDK installs in components: 2 MiB of linear memory (zero-initialised
/// `.bss`, so it adds nothing to the component file).
pub const ARENA_SIZE: usize = 2 << 20;

/// The arena's bytes; 16-byte aligned so small alignments never need padding at the start.
#[repr(C, align(16))]
struct Memory<const N: usize>([u8; N]);

/// Where the arena stands.
struct State {
    /// Offset of the first free byte.
    top: usize,
    /// Blocks handed out and not yet freed.
    live: usize,
}

/// A bump allocator over `N` bytes with a [`System`] fallback; see the module documentation.
pub struct Arena<const N: usize> {
    memory: UnsafeCell<Memory<N>>,
    state: UnsafeCell<State>,
    locked: AtomicBool,
}

// SAFETY: `state` is only touched while `locked` is held, and the bytes of `memory` are only
// reached through blocks the allocator hands out, which never overlap while live.
unsafe impl<const N: usize> Sync for Arena<N> {}

impl<const N: usize> Default for Arena<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Arena<N> {
    /// An empty arena (usable in a `static`).
    pub const fn new() -> Self {
        Arena {
            memory: UnsafeCell::new(Memory([0; N])),
            state: UnsafeCell::new(State { top: 0, live: 0 }),
            locked: AtomicBool::new(false),
        }
    }

    fn base(&self) -> *mut u8 {
        self.memory.get().cast()
    }

    /// Whether `ptr` points into this arena's buffer (so a block from it, not from [`System`]).
    pub fn owns(&self, ptr: *const u8) -> bool {
        let base = self.base() as usize;
        (base..base + N).contains(&(ptr as usize))
    }

    /// Bytes in use: the offset of the first free byte.
    pub fn used(&self) -> usize {
        self.with_state(|state| state.top)
    }

    /// Run `f` with the state locked.
    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            spin_loop();
        }
        // SAFETY: the lock is held, so this is the only reference to the state.
        let result = f(unsafe { &mut *self.state.get() });
        self.locked.store(false, Ordering::Release);
        result
    }

    /// A block for `layout` from the arena, or `None` when it does not fit in what is left.
    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        let base = self.base() as usize;
        let align = layout.align();
        self.with_state(|state| {
            let start = (base + state.top).checked_add(align - 1)? & !(align - 1);
            let offset = start - base;
            let end = offset.checked_add(layout.size())?;
            // `offset < N` keeps even a zero-size block inside the buffer, so `owns` sees it.
            if end > N || offset >= N {
                return None;
            }
            state.top = end;
            state.live += 1;
            // SAFETY: `offset < N`, so the pointer stays inside the buffer.
            Some(unsafe { self.base().add(offset) })
        })
    }
}

// SAFETY: blocks come from disjoint ranges of the buffer (the offset only moves back over a
// block being freed, or over everything once nothing is live) or from `System`; alignment is
// rounded up from the actual address; every size and offset computation is checked.
unsafe impl<const N: usize> GlobalAlloc for Arena<N> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.bump(layout) {
            Some(ptr) => ptr,
            // SAFETY: the caller's guarantees about `layout` carry over.
            None => unsafe { System.alloc(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !self.owns(ptr) {
            // SAFETY: not ours, so `System` gave it out with this layout.
            return unsafe { System.dealloc(ptr, layout) };
        }
        let offset = ptr as usize - self.base() as usize;
        self.with_state(|state| {
            state.live = state.live.saturating_sub(1);
            if state.live == 0 {
                state.top = 0;
            } else if offset + layout.size() == state.top {
                state.top = offset;
            }
        });
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !self.owns(ptr) {
            // SAFETY: not ours, so `System` gave it out with this layout.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let offset = ptr as usize - self.base() as usize;
        let in_place = self.with_state(|state| {
            if offset + layout.size() == state.top {
                match offset.checked_add(new_size) {
                    Some(end) if end <= N => {
                        state.top = end;
                        true
                    }
                    _ => false,
                }
            } else {
                new_size <= layout.size()
            }
        });
        if in_place {
            return ptr;
        }
        // SAFETY: `GlobalAlloc::realloc` requires `new_size`, rounded up to the alignment, to
        // fit in `isize`, which is all `Layout` asks for.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new_layout` is non-zero-sized as the caller guarantees for `new_size`.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are valid for the smaller size and do not overlap (the old
            // one is still live while the new one is handed out).
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// The allocator of every plugin inside the host.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static GLOBAL: Arena<ARENA_SIZE> = Arena::new();

#[cfg(test)]
mod tests;
