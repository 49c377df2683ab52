"""Analytics on the complaints: routing a complaint's text to its category and OPD (``muara rute``).

Heavy libraries (scikit-learn, numpy, pandas) are imported inside functions, so ``import muara.cli`` stays cheap.
"""
