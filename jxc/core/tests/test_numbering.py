"""Document numbering: prefix + yyyymmdd + 4-digit daily sequence, never handed out twice."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections, transaction

from jxc.core import selectors
from jxc.core.models import DocumentSequence
from jxc.core.services import allocate_number, register_document_type, update_company

DAY = dt.date(2026, 11, 21)


@pytest.fixture
def doc_type():
    register_document_type("qa_purchase_order", "CGDD")
    return "qa_purchase_order"


@pytest.mark.django_db
def test_numbers_count_up_within_a_day(doc_type):
    assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0001"
    assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0002"
    assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0003"


@pytest.mark.django_db
def test_sequence_restarts_every_day_and_per_type(doc_type):
    register_document_type("qa_sales_order", "XSDD")
    allocate_number(doc_type, day=DAY)
    allocate_number(doc_type, day=DAY)
    assert allocate_number(doc_type, day=DAY + dt.timedelta(days=1)) == "CGDD20261122-0001"
    assert allocate_number("qa_sales_order", day=DAY) == "XSDD20261121-0001"
    # The earlier day keeps counting where it was.
    assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0003"


@pytest.mark.django_db
def test_company_settings_override_the_prefix(doc_type):
    update_company(user=None, document_prefixes={doc_type: "PO"})
    assert allocate_number(doc_type, day=DAY) == "PO20261121-0001"
    update_company(user=None, document_prefixes={})
    assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0002"


@pytest.mark.django_db
def test_unregistered_type_uses_its_name_in_capitals():
    assert allocate_number("qa_misc", day=DAY) == "QA_MISC20261121-0001"


@pytest.mark.django_db
def test_rolled_back_document_gives_its_number_back(doc_type):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0001"
        raise RuntimeError("saving the document failed")
    assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0001"


@pytest.mark.django_db
def test_one_counter_row_per_type_and_day(doc_type):
    for _ in range(5):
        allocate_number(doc_type, day=DAY)
    row = DocumentSequence.objects.get(doc_type=doc_type, day=DAY)
    assert row.last == 5
    assert DocumentSequence.objects.filter(doc_type=doc_type).count() == 1


def _allocate_concurrently(doc_type: str, *, threads: int, per_thread: int) -> list[str]:
    selectors.company()  # create the company row once, before the threads race for it
    start = threading.Barrier(threads)

    def work() -> list[str]:
        try:
            start.wait()
            return [allocate_number(doc_type, day=DAY) for _ in range(per_thread)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(work) for _ in range(threads)]
        return [n for f in futures for n in f.result()]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_500_concurrent_allocations_yield_500_distinct_numbers(doc_type):
    numbers = _allocate_concurrently(doc_type, threads=50, per_thread=10)
    assert len(numbers) == 500
    assert len(set(numbers)) == 500
    assert sorted(numbers) == [f"CGDD20261121-{i:04d}" for i in range(1, 501)]
    assert DocumentSequence.objects.get(doc_type=doc_type, day=DAY).last == 500


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_on_sqlite_queue_instead_of_failing(doc_type, on_postgres):
    # SQLite: IMMEDIATE transactions with a busy timeout make writers wait their turn.
    if on_postgres:
        pytest.skip("the PostgreSQL variant above covers 500 allocations")
    numbers = _allocate_concurrently(doc_type, threads=8, per_thread=10)
    assert sorted(numbers) == [f"CGDD20261121-{i:04d}" for i in range(1, 81)]


@pytest.mark.django_db
def test_a_number_takes_one_statement_and_the_prefix_read(doc_type, django_assert_num_queries):
    assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0001"
    with django_assert_num_queries(2):  # the counter's upsert, the company's prefixes
        assert allocate_number(doc_type, day=DAY) == "CGDD20261121-0002"
    assert DocumentSequence.objects.get(doc_type=doc_type, day=DAY).last == 2
