//! Plain data: pipelines, sources, transforms, sinks and column types. No I/O.

pub mod column;
pub mod csv;
pub mod ident;

pub use column::{Column, ColumnType};
pub mod diagnostic;
pub mod pipeline;
pub mod report;

pub use diagnostic::{Diagnostic, Phase};
pub use pipeline::*;
