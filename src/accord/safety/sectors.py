"""The seeded hazard sectors and their competent departments (data; editable in the table)."""

# code, English, Chinese, department (English), department (Chinese)
SECTORS = [
    ("fire", "Fire safety", "消防安全", "Fire and Rescue", "消防救援机构"),
    ("hazardous_chemicals", "Hazardous chemicals", "危险化学品", "Emergency Management",
     "应急管理部门"),
    ("industry_trade", "Industry and trade", "工贸行业", "Emergency Management", "应急管理部门"),
    ("construction", "Construction sites", "建筑施工", "Housing and Urban-Rural Development",
     "住房和城乡建设部门"),
    ("gas", "Urban gas", "城镇燃气", "Housing and Urban-Rural Development", "住房和城乡建设部门"),
    ("special_equipment", "Special equipment (lifts, boilers)", "特种设备（电梯、锅炉）",
     "Market Regulation", "市场监督管理部门"),
    ("markets", "Markets and shops", "商场市场", "Market Regulation", "市场监督管理部门"),
    ("schools", "Schools and kindergartens", "学校及幼儿园", "Education", "教育部门"),
    ("residential", "Residential buildings", "居民住宅", "Housing and Urban-Rural Development",
     "住房和城乡建设部门"),
    ("road_traffic", "Road traffic", "道路交通", "Public Security (Traffic Police)",
     "公安交通管理部门"),
]  # fmt: skip
