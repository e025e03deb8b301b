"""Customer journeys (客户旅程): journeys as data, funnels, paths after drop-off, help needed."""
