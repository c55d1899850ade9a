//! Importing what clerks have (issue 16).

mod generate;
