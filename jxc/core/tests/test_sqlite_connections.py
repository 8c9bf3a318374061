"""SQLite connections are kept between requests (settings: CONN_MAX_AGE as for PostgreSQL): a
new connection parses the whole schema before its first statement, as long as a simple API
request's own work."""


def test_a_requests_sqlite_connection_is_kept_for_the_next_request(file_db):
    db, _ = file_db
    db.ensure_connection()
    kept = db.connection
    db.close_if_unusable_or_obsolete()  # what Django does when a request ends
    assert db.connection is kept


def test_a_connection_left_inside_a_transaction_is_not_kept(file_db):
    """A request that ended inside a transaction gives its connection (and the writers'
    turn) back: nothing carries an open transaction into the next request."""
    db, _ = file_db
    db.set_autocommit(False)
    with db.cursor() as cur:
        cur.execute("INSERT INTO page (body) VALUES ('x')")
    db.close_if_unusable_or_obsolete()
    assert db.connection is None
    assert db._turn is None
