"""Server-side print: documents, statements and labels as PDF with an embedded CJK font
(docs/documents.md "Print"). ``money_words`` (大写金额) is pure; ``fonts`` finds the font;
``pdf`` lays a printable out on A4 or 241 × 140 mm 三联 paper."""
