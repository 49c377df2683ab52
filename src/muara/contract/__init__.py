"""The data contract: the ODCS model Muara reads (``model``), its lint (``lint``), the reference code lists
(``reference``), the names shared by generators and pipeline (``layout``) and the generated dataset list
(``datasets``).
"""
