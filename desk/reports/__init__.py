"""Activity and staffing: measures from the stored calls, Erlang C, forecasts, reports."""
