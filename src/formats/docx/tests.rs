//! Tests of the docx model, reader and writer.
