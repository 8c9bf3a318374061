"""Demo company (filled in by the demo task)."""


def database_is_empty() -> bool:
    from jxc.catalog.models import Product

    return not Product.objects.exists()


def load_demo() -> list[tuple[str, str, str]]:
    return []


def login_banner(url: str, accounts) -> str:
    lines = [f"jxc is running: {url}login/"]
    for username, password, role in accounts or []:
        lines.append(f"  {role}: {username} / {password}")
    return "\n".join(lines)
