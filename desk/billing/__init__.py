"""The money side of the desk: plans and contracts, missions, invoices, payouts, quotes.

Domain functions take a Session and plain values and never commit; amounts are integer
euro cents, rates basis points (2000 = 20 %).
"""
