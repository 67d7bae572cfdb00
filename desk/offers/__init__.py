"""Mission offers to the network (issue 24): a rota gap offered to the partners who are
free for it, in waves, through the outbox; the first acceptance takes it (a
compare-and-set on the offer), puts her on duty for exactly that window and pays her
under her agreement.

`who` finds the people, `making` creates an offer, `sending` sends its waves and tells
everyone what became of it, `answers` takes or declines one by its link, `pay` writes
the winner's payout line, `closing` withdraws and expires offers, `auto` offers gaps
days ahead, `settings` keeps the admin's choices, `activity` lists offers and counts
them per partner, `board` is what the rota page shows.
"""
