//! Keeping up with a folder that never stops: [`folder`] re-indexes a corpus as its files
//! change (`index --watch`), [`follow`] prints the new matches of a standing search as each
//! commit brings them (`search --follow`), and [`stop`] turns Ctrl-C into a clean finish.
//!
//! The indexing itself is [`crate::indexer`]'s: watching only decides when to run it.

pub mod folder;
pub mod follow;
pub mod stop;

pub use folder::{Change, watch};
pub use follow::{Follow, POLL};
pub use stop::Stop;
