"""Web forms: they check the shape of input only; services decide what is allowed."""
