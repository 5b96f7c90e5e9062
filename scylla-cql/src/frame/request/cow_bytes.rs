//! [`CowBytes`]: bytes that are either borrowed or shared (`Bytes`).

use bytes::Bytes;

/// Bytes that are either borrowed from a buffer or owned as shared [`Bytes`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CowBytes<'a> {
    /// Borrowed.
    Borrowed(&'a [u8]),
    /// Owned (reference-counted).
    Owned(Bytes),
}

impl CowBytes<'_> {
    /// The bytes as shared [`Bytes`], copying them if borrowed.
    pub fn into_owned(self) -> CowBytes<'static> {
        match self {
            CowBytes::Borrowed(b) => CowBytes::Owned(Bytes::copy_from_slice(b)),
            CowBytes::Owned(b) => CowBytes::Owned(b),
        }
    }
}

impl AsRef<[u8]> for CowBytes<'_> {
    fn as_ref(&self) -> &[u8] {
        match self {
            CowBytes::Borrowed(b) => b,
            CowBytes::Owned(b) => b,
        }
    }
}

impl PartialEq<CowBytes<'_>> for CowBytes<'_> {
    fn eq(&self, other: &CowBytes<'_>) -> bool {
        self.as_ref() == other.as_ref()
    }
}

impl Eq for CowBytes<'_> {}

impl<'a> From<&'a [u8]> for CowBytes<'a> {
    fn from(b: &'a [u8]) -> Self {
        CowBytes::Borrowed(b)
    }
}

impl From<Bytes> for CowBytes<'static> {
    fn from(b: Bytes) -> Self {
        CowBytes::Owned(b)
    }
}
