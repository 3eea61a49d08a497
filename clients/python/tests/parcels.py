"""The README's hand-worked parcel (tests/Scoring.Testing/HandWorkedParcel.cs) in the CSV layout.

Every indicator sits on a point of its default curve, so each utility is read off the table:
  population 0.10·1 + 0.45·0.6 + 0.27·0.6 + 0.18·0                               = 0.532
  land       0.44·1 + 0.31·1 + 0.06·0 + 0.19·0.6                                 = 0.864
  enterprise 0.38·0.8 + 0.31·1 + 0.23·0.3 + 0.08·1                                = 0.763
  industry   0.56·0.6 + 0.11·1 + 0.33·1                                           = 0.776
  economy    0.13·0.6 + 0.16·1 + 0.18·1 + 0.20·0.3 + 0.16·0.6 + 0.11·0.6 + 0.06·1 = 0.700
  energy     0.29·1 + 0.29·0 + 0.18·0.6 + 0.06·1 + 0.18·0.6                       = 0.566
score = 0.05·0.532 + 0.25·0.864 + 0.16·0.763 + 0.11·0.776 + 0.32·0.700 + 0.11·0.566 = 0.7363

With green_ratio 15 (utility 1, not 0) land is 0.864 + 0.06 = 0.924, so the score gains 0.25·0.06 = 0.015: 0.7513.
"""

SCORE = 0.7363
SCORE_GREEN_15 = 0.7513
ELEMENT_SCORES = {"population": 0.532, "land": 0.864, "enterprise": 0.763, "industry": 0.776, "economy": 0.700,
                  "energy": 0.566}

INDICATORS = {
    "talent_count": 100, "jobs_per_mu": 3, "insured_count": 20, "turnover_rate": 40,
    "far": 1.5, "building_density": 50, "green_ratio": 30, "idle_ratio": 15,
    "patent_count": 0, "bidding_wins": 5, "investment_per_mu": 300, "chain_efficiency": 50,
    "total_output": 2000, "total_tax": 2000, "output_per_mu": 900, "tax_per_mu": 6, "net_profit": 100,
    "total_assets": 4000, "debt_ratio": 60, "water_per_output": 1, "power_per_output": 1200,
    "wastewater_discharge": 1500, "solid_waste": 5, "wastewater_per_output": 5,
}
CATEGORIES = {"enterprise_type": "above_scale", "registration_status": "active", "industry_potential": "leading"}
VETOES = ("legal_land_certificate", "land_use_plan", "spatial_plan", "contract_performance", "safety",
          "environmental", "nimby", "construction")


def hand_worked(parcel_id="320115-001"):
    """The parcel as one CSV-layout dict: a park parcel of 120 亩 in 秣陵街道, every veto met."""
    row = {"parcel_id": parcel_id, "level": "PARK", "area_mu": 120, "unit_id": "jiangning-high-tech-park",
           "street": "秣陵街道"}
    row.update(INDICATORS)
    row.update(CATEGORIES)
    row.update({veto: "yes" for veto in VETOES})
    return row
