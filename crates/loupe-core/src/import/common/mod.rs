//! What the importers share, one job a file (the way Perfetto's trace processor splits
//! `importers/common/`): the [`Importer`] trait and its input ([`importer`]), sniffing
//! ([`sniff`]), positions and errors ([`pos`]), serde building blocks ([`de`]), reading whole
//! documents and JSON Lines ([`read`]), JSON values into attribute values ([`value`]) and time
//! parsing ([`time`]). The format modules use these; nothing here uses a format module.

pub(crate) mod de;
pub(crate) mod importer;
pub(crate) mod pos;
pub(crate) mod read;
pub(crate) mod sniff;
pub(crate) mod time;
pub(crate) mod value;

pub(crate) use de::*;
pub use importer::{Importer, Input, Limits};
pub(crate) use pos::*;
pub(crate) use read::*;
pub(crate) use sniff::*;
pub(crate) use time::*;
pub(crate) use value::*;
