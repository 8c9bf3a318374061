"""The import tests use the warehouse documents' world (SKUs, warehouses, users) and write
their files with openpyxl, as a user's spreadsheet program would."""

import io

from jxc.inventory.documents.tests.conftest import stock_world  # noqa: F401 (a fixture)


def xlsx(rows, *, text_columns=()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for col in text_columns:
        for cell in sheet[col]:
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
