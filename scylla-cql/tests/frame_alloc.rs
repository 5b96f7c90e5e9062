//! A length field must not drive an allocation: a frame header announcing a huge body,
//! or a compressed body announcing a huge uncompressed size, costs no memory before
//! the bytes actually arrive.
//!
//! A counting global allocator records the largest single allocation made while a
//! measurement is on. This file holds one test so nothing else allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Cursor;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use scylla_cql::frame::frame_errors::{FrameBodyExtensionsParseError, FrameHeaderParseError};
use scylla_cql::frame::{Compression, decompress, read_request_frame};

struct Counting;

static MEASURING: AtomicBool = AtomicBool::new(false);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if MEASURING.load(Ordering::Relaxed) {
            LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if MEASURING.load(Ordering::Relaxed) {
            LARGEST.fetch_max(new_size, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn measure<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.store(0, Ordering::SeqCst);
    MEASURING.store(true, Ordering::SeqCst);
    let out = f();
    MEASURING.store(false, Ordering::SeqCst);
    (out, LARGEST.load(Ordering::SeqCst))
}

const SMALL: usize = 1024 * 1024;

#[test]
fn length_fields_do_not_drive_allocations() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    // 200 MiB announced (under the 256 MiB limit), 100 bytes sent, then EOF.
    let mut bytes = vec![0x04, 0x00, 0x00, 0x01, 0x07];
    bytes.extend_from_slice(&(200u32 * 1024 * 1024).to_be_bytes());
    bytes.extend_from_slice(&[0u8; 100]);
    let (res, largest) = measure(|| rt.block_on(read_request_frame(&mut Cursor::new(bytes))));
    assert!(
        matches!(
            res,
            Err(FrameHeaderParseError::ConnectionClosed(n, 100)) if n == 200 * 1024 * 1024
        ),
        "{res:?}"
    );
    assert!(largest < SMALL, "largest allocation {largest}");

    // 4 GiB - 1 announced: over the limit, refused outright.
    let bytes = vec![0x04, 0x00, 0x00, 0x01, 0x07, 0xff, 0xff, 0xff, 0xff];
    let (res, largest) = measure(|| rt.block_on(read_request_frame(&mut Cursor::new(bytes))));
    assert!(
        matches!(res, Err(FrameHeaderParseError::BodyTooLarge { .. })),
        "{res:?}"
    );
    assert!(largest < SMALL, "largest allocation {largest}");

    // An LZ4 body whose prefix claims 200 MB from a few bytes.
    let mut lz4 = 200_000_000i32.to_be_bytes().to_vec();
    lz4.extend_from_slice(&[0x1f, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff]);
    let (res, largest) = measure(|| decompress(&lz4, Compression::Lz4));
    assert!(
        matches!(
            res,
            Err(FrameBodyExtensionsParseError::DecompressedSizeTooLarge { .. })
        ),
        "{res:?}"
    );
    assert!(largest < SMALL, "largest allocation {largest}");

    // A Snappy body whose varint length claims 200 MB.
    let mut snappy = Vec::new();
    let mut v: u32 = 200_000_000;
    while v >= 0x80 {
        snappy.push((v as u8) | 0x80);
        v >>= 7;
    }
    snappy.push(v as u8);
    snappy.extend_from_slice(&[0x00, 0x61]);
    let (res, largest) = measure(|| decompress(&snappy, Compression::Snappy));
    assert!(
        matches!(
            res,
            Err(FrameBodyExtensionsParseError::DecompressedSizeTooLarge { .. })
        ),
        "{res:?}"
    );
    assert!(largest < SMALL, "largest allocation {largest}");

    // Sanity: the allocator does see large allocations.
    let (v, largest) = measure(|| vec![1u8; 2 * SMALL]);
    assert_eq!(v.len(), 2 * SMALL);
    assert!(largest >= 2 * SMALL);
}
