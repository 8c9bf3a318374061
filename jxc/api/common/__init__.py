"""The API's shared machinery, one module per concern (import from the module, this package
re-exports nothing):

- ``auth``: session and token authentication (``AUTH``);
- ``rendering``: the JSON renderer that drops cost figures (``RENDERER``);
- ``errors``: the ``Router`` and the one error mapping;
- ``permissions``: ``requires``, ``get_or_404``, ``ref``, ``with_perms``;
- ``idempotency``: ``creates`` (Idempotency-Key);
- ``listing``: ``listing``, ``page_of``, ``query_of`` (filters, ordering, pages);
- ``crud``: ``Patch[ThingIn]``, ``crud_endpoints``, ``activation_endpoints``;
- ``parsing``: strict JSON bodies.

A router module uses it like this::

    from jxc.api.common.errors import Router
    from jxc.api.common.idempotency import creates
    from jxc.api.common.listing import listing, page_of, query_of
    from jxc.api.common.permissions import requires

    router = Router(tags=["catalog"])

    @router.get("/brands", response=page_of(BrandOut))
    @requires("brand.view")
    def list_brands(request, query: Query[query_of(BrandFilterSet)]):
        return listing(request, Brand.objects.all(), BrandFilterSet, query)
"""
