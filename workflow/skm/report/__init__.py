"""Report content: the numbers, sentences, tables, figures and workbooks the documents show."""
