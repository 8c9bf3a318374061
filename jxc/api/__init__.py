"""The REST API (django-ninja) under ``/api/v1/``; docs at ``/api/v1/docs``, OpenAPI at
``/api/v1/openapi.json``.

One router module per context (``catalog``, ``partners``, ``inventory``, ``finance``,
``core``), registered in ``urls.py``. The shared machinery lives in ``common``:

- auth: ``Authorization: Bearer <token>`` (personal API token) or the browser session
  (unsafe methods need the CSRF token); anonymous → 401 ``not_authenticated``;
- one error mapping: every ``DomainError`` → its ``http_status`` with
  ``{"code", "message", "params"}``; schema errors → 422 ``validation_failed`` with
  ``params.errors`` (field → messages); messages in the request's language (zh-hans default);
- a renderer that runs ``jxc.core.visibility.redact`` over every body (cost fields absent
  without ``cost.view``);
- ``requires(perm)``, ``creates(Out, perm=…)`` (201 + Idempotency-Key), ``listing`` (the
  app's FilterSet + ``ordering`` + ``page``/``page_size``), ``Patch[ThingIn]``,
  ``activation_endpoints`` (``…/{id}/deactivate`` and ``…/activate``), ``get_or_404``/``ref``.

Adding a resource in a later issue (e.g. purchase orders)::

    # jxc/api/purchasing.py
    router = Router(tags=["purchasing"])

    @router.get("/purchase-orders", response=page_of(PurchaseOrderOut))
    @requires("purchaseorder.view")
    def list_purchase_orders(request, query: Query[query_of(PurchaseOrderFilterSet)]):
        qs = PurchaseOrder.objects.filter(warehouse__in=warehouses_for(request.user))
        return listing(request, qs, PurchaseOrderFilterSet, query)

    @router.post("/purchase-orders", response={201: PurchaseOrderOut})
    @creates(PurchaseOrderOut, perm="purchaseorder.create")   # Idempotency-Key for free
    def create_purchase_order(request, payload: PurchaseOrderIn):
        return services.create_purchase_order(user=request.user, **payload.dict())

    @router.post("/purchase-orders/{id}/approve", response=PurchaseOrderOut)
    @requires("purchaseorder.approve")
    def approve_purchase_order(request, id: int):
        return services.approve_purchase_order(get_or_404(scoped(request), id), user=request.user)

then ``api.add_router("", purchasing.router)`` in ``urls.py``. ``jxc/api/tests`` checks that
every operation declares a permission and every 201 POST goes through ``creates``.
"""
