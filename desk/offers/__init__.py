"""Mission offers to the network (issue 24): a rota gap offered to the partners who are
free for it, in waves, through the outbox; the first acceptance takes it (a
compare-and-set on the offer), puts her on duty for exactly that window and pays her
under her agreement.

`who` finds the people, `making` creates an offer, `sending` sends its waves and tells
everyone what became of it, `answers` takes or declines one by its link, `closing`
withdraws and expires offers, `activity` lists offers and counts them per partner.
"""
