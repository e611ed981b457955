"""The demo's data: who, what and how much (``seed_demo`` creates it through the services)."""

from designs.models import Design

ADMIN_USERNAME = "admin"
DEFAULT_ADMIN_PASSWORD = "admin-demo-pass"
ORDER_EXTERNAL_ID = "DEMO-1"

PARTNERS = [
    {"name": "Atelier Aurora", "handle": "atelier-aurora", "roles": ["cutting", "stitching"],
     "email": "aurora@partners.example", "password": "demo-pass-aurora-1", "first_name": "Aurora"},
    {"name": "Bottega Blu", "handle": "bottega-blu", "roles": ["stitching", "finishing"],
     "email": "blu@partners.example", "password": "demo-pass-blu-1", "first_name": "Bianca"},
]

CATEGORIES = {
    "Cutting": ["Mark", "Cut", "Bundle"],
    "Stitching": ["Assemble", "Hem", "Press"],
    "Finishing": ["Inspect", "Label", "Pack"],
}

# code -> (name, status, specs); LIN-001 also gets a routing to both partners.
DESIGNS = {
    "LIN-001": ("Linen Overshirt", Design.Status.COMMERCE_READY,
                {"fabric": "washed linen", "colours": ["sand", "olive"], "sizes": ["S", "M", "L"]}),
    "WOL-002": ("Wool Coat", Design.Status.APPROVED, {"fabric": "boiled wool", "lining": "cupro", "sizes": ["M", "L"]}),
    "SLK-003": ("Silk Scarf", Design.Status.SAMPLE_PRODUCTION, {"fabric": "silk twill", "size": "90x90 cm"}),
    "DNM-004": ("Denim Jacket", Design.Status.IN_DEVELOPMENT, {"fabric": "selvedge denim 13oz"}),
    "KNT-005": ("Merino Knit", Design.Status.CONCEPTUAL, {}),
}

# (title, product design code, [(sku, variant title, variant design code)])
PRODUCTS = [
    ("Linen Overshirt", "LIN-001", [("LIN-001-S", "S", None), ("LIN-001-M", "M", None), ("LIN-001-L", "L", None)]),
    ("Wool Coat", "WOL-002", [("WOL-002-M", "M", None), ("WOL-002-L", "L", None)]),
    # No product design: the scarf variant's own design gives it a run, the gift card gets none.
    ("Gift Box", None, [("GIFT-SCARF", "Silk scarf", "SLK-003"), ("GIFT-CARD", "Gift card", None)]),
]

ORDER_ITEMS = [("LIN-001-M", 12), ("LIN-001-L", 8), ("WOL-002-M", 5), ("GIFT-SCARF", 20), ("GIFT-CARD", 1)]

# name -> (unit, unit cost): the material catalogue.
MATERIALS = {
    "Selvedge denim 13oz": ("m", "14.00"),
    "Washed linen": ("m", "11.50"),
    "Cotton thread": ("cone", "3.20"),
    "Shank buttons": ("pcs", "0.35"),
}

# design code -> [(material, quantity per piece, role)]: the bills of materials.
BILLS = {
    "DNM-004": [("Selvedge denim 13oz", "2.2", "cutting"), ("Cotton thread", "0.08", "stitching"),
                ("Shank buttons", "6", "stitching")],
    "LIN-001": [("Washed linen", "1.8", "cutting"), ("Cotton thread", "0.05", "stitching"),
                ("Shank buttons", "7", "stitching")],
}
