//! What a cdata holds, read through one word and the optional tail: a
//! primitive's value, or an address, a count, an owner and a flavor. These
//! accessors are the only readers of the word and the tail's fields.

use std::sync::atomic::Ordering;

use rcffi_core::ctype::Kind;

use crate::cdata::{CData, Flavor};
use crate::cdata_layout::Tail;
use crate::cdata_owner::Resources;
use crate::cdata_owner::{OwnerRef, OwnerTag};

impl CData {
    /// Whether the word is a primitive's value (or, for values larger than the
    /// word, points to it) rather than an address: primitives have no address.
    #[inline]
    fn holds_value(&self) -> bool {
        matches!(self.ct().kind, Kind::Primitive | Kind::Enum)
    }

    /// The C address this cdata stands for: the pointer value, or where the data is.
    /// NULL for a primitive cdata, which holds a value instead.
    #[inline]
    pub fn address(&self) -> *mut u8 {
        if self.holds_value() {
            std::ptr::null_mut()
        } else {
            self.word
        }
    }

    /// Item count of an array whose type has no length (`int[]`); for any other
    /// owning cdata, the bytes it owns; 0 for the rest.
    #[inline]
    pub(crate) fn length(&self) -> usize {
        self.tail().map_or(0, |t| t.length)
    }

    /// The value of a primitive cdata; zeros for any other.
    #[inline]
    pub fn value(&self) -> [u8; 16] {
        self.held_value().unwrap_or([0; 16])
    }

    /// The value, when this cdata holds one: in the word, little-endian and
    /// zero-extended, or after the tail when larger than the word.
    #[inline]
    pub(crate) fn held_value(&self) -> Option<[u8; 16]> {
        if !self.holds_value() {
            return None;
        }
        let large = self.ct().prim.is_some_and(|p| p.size() > 8);
        if large {
            // SAFETY: a large value was written where the word points, inside
            // this object (`NewCData::with_value`).
            return Some(unsafe { std::ptr::read(self.word as *const [u8; 16]) });
        }
        let mut v = [0u8; 16];
        v[..8].copy_from_slice(&(self.word as usize as u64).to_le_bytes());
        Some(v)
    }

    #[inline]
    pub(crate) fn owner(&self) -> OwnerRef<'_> {
        match self.tail() {
            // SAFETY: the tag is the one `pack` gave with the slot.
            Some(t) => unsafe { t.owner_slot.get(t.owner_tag) },
            None => OwnerRef::None,
        }
    }

    pub(crate) fn flavor(&self) -> Flavor {
        self.tail().map_or(Flavor::Plain, |t| t.flavor)
    }

    /// Whether `ffi.release()` was called on this cdata.
    #[inline]
    pub(crate) fn is_released(&self) -> bool {
        self.tail()
            .is_some_and(|t| t.released.load(Ordering::Relaxed))
    }

    /// Marks the cdata released; `false` when it already was (or it has no
    /// tail, hence nothing to release).
    pub(crate) fn mark_released(&self) -> bool {
        self.tail()
            .is_some_and(|t| !t.released.swap(true, Ordering::AcqRel))
    }

    /// Whether this cdata is neither released nor a view of another cdata's
    /// memory: the accesses that need no further check.
    #[inline]
    pub(crate) fn alive_on_its_own(&self) -> bool {
        match self.tail() {
            None => true,
            Some(t) => {
                !t.released.load(Ordering::Relaxed)
                    && !matches!(t.owner_tag, OwnerTag::Keep | OwnerTag::GcResource)
            }
        }
    }
}

impl Tail {
    /// The resources given back at death or by `release()`, if the owner is one.
    pub(crate) fn resources(&self) -> Option<&Resources> {
        // SAFETY: the tag is the one `pack` gave with the slot.
        match unsafe { self.owner_slot.get(self.owner_tag) } {
            OwnerRef::Resource(r) => Some(r),
            _ => None,
        }
    }
}
