"""借出单 / 借入单: goods lent to, or borrowed from, a customer or supplier, returned (归还)
in parts. Built on the document platform alone (docs/documents.md); the stock design is
docs/adr/0003-loans.md."""
