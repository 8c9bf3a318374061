from ninja import NinjaAPI

api = NinjaAPI(title="jxc API", version="1", urls_namespace="api")
